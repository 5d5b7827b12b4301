#include "cli/run_ending.hpp"

#include <fmt/format.h>

#include "measure/signals.hpp"
#include "output/chart.hpp"
#include "output/human_summary.hpp"
#include "output/output.hpp"

namespace leakdemo {

void print_run_ending(const Options& options, const LoopResult& result, const TerminalCaps& stderr_caps,
                      std::span<const ReportSeries> series, std::span<const ModeUse> session) {
    if (!result.stop_message.empty()) {
        print_stderr(fmt::format("leakdemo: {}\n", result.stop_message));
    }
    if (!options.quiet && !options.summary_only) {
        print_stderr(format_human_summary(result.summary, stderr_caps.color, session));
    }
    if (options.chart) {
        print_stderr(render_chart(series, ChartStyle{stderr_caps.width, 12, stderr_caps.unicode}));
    }
}

ExitCode run_exit_code(const Options& options, const LoopResult& result, bool quit_by_key) {
    switch (result.summary.stop_reason) {
        case StopReason::interrupted:
            if (!quit_by_key) {
                return exit_code_for_stop_signal(result.signal_number);
            }
            break;
        case StopReason::alloc_failed:
        case StopReason::guard:
            return ExitCode::stopped_early;
        case StopReason::completed:
            break;
    }
    if (options.fail_on_leak && result.summary.verdict == Verdict::leaking) {
        return ExitCode::leak_detected;
    }
    return ExitCode::success;
}

}  // namespace leakdemo
