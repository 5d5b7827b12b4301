// `leakdemo compare`: the views wired up, the session run, and how it ended turned into what is shown on
// stderr and the exit code.
#include "compare/compare.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <memory>
#include <vector>

#include "compare/compare_view.hpp"
#include "compare/session.hpp"
#include "measure/signals.hpp"
#include "output/chart.hpp"
#include "output/output.hpp"
#include "output/report.hpp"
#include "output/terminal.hpp"

namespace leakdemo {
namespace {

// --explain with CSV on stdout: CSV has no place for prose, so the children's notes go to stderr, as in a
// single run.
class StderrNotesView final : public CompareView {
  public:
    void row(const Record* /*first*/, const Record* /*second*/) override {}
    void note(Mode mode, std::uint64_t iteration, const std::string& text) override {
        print_stderr(fmt::format("leakdemo: note: {} iteration {}: {}\n", to_string(mode), iteration, text));
    }
};

// After the rows: the stop message, the two-column summary (unless -q) and the --chart, all on stderr.
void print_ending(const Options& options, const OutputPlan& outputs, const Comparison& comparison,
                  const SessionEnd& end) {
    if (end.stop_message) {
        print_stderr(fmt::format("leakdemo: {}\n", *end.stop_message));
    }
    const TerminalCaps& stderr_caps = outputs.stderr_caps;
    if (!options.quiet) {
        print_stderr(format_compare_summary(comparison, stderr_caps.color));
    }
    if (options.chart) {
        print_stderr(render_chart(comparison.runs, ChartStyle{stderr_caps.width, 12, stderr_caps.unicode}));
    }
}

// As a single run ends: stopped early (exit 3), a stop signal (130/143/129), --fail-on-leak and either child
// leaking (4), else success.
ExitCode exit_code_for(const Options& options, const Comparison& comparison, const SessionEnd& end) {
    if (end.stop_message) {
        return ExitCode::stopped_early;
    }
    if (end.stop_signal != 0) {
        return exit_code_for_stop_signal(end.stop_signal);
    }
    const auto leaking = [](const ReportSeries& run) {
        return run.summary && run.summary->verdict == Verdict::leaking;
    };
    if (options.fail_on_leak && std::any_of(comparison.runs.begin(), comparison.runs.end(), leaking)) {
        return ExitCode::leak_detected;
    }
    return ExitCode::success;
}

}  // namespace

Expected<ExitCode> run_compare(const Options& options, const OutputPlan& outputs) {
    Comparison comparison;
    for (std::size_t side = 0; side < 2; ++side) {
        comparison.runs[side].mode = options.compare_modes[side];
    }
    LineWriter stdout_writer(STDOUT_FILENO);
    std::vector<std::unique_ptr<CompareView>> views;
    views.push_back(make_compare_view(outputs.stdout_format, stdout_writer, outputs.stdout_caps, options));
    if (outputs.file) {
        views.push_back(make_compare_view(options.output_format, *outputs.file, TerminalCaps{}, options));
    }
    if (options.explain && outputs.stdout_format == Format::csv) {
        views.push_back(std::make_unique<StderrNotesView>());
    }
    std::vector<CompareView*> view_pointers;
    for (const auto& view : views) {
        view_pointers.push_back(view.get());
    }

    RowMerger merger(comparison, view_pointers);
    const SessionEnd end = run_session(options, comparison, merger);
    // -o FILE and --report are renamed into place however compare ended: completed, Ctrl-C, a child stopped
    // early or failed, `| head`. Only an exception (a runtime failure) leaves FILE as it was.
    if (outputs.output_file) {
        outputs.output_file->commit();
    }
    if (outputs.report_file) {
        write_html_report(*outputs.report_file, report_parameters(options), comparison.runs);
    }
    if (end.failure) {
        return Expected<ExitCode>::fail(*end.failure);
    }
    if (end.output_closed) {
        return Expected<ExitCode>::ok(ExitCode::success);  // `compare | head`: a pipeline saying "enough"
    }
    print_ending(options, outputs, comparison, end);
    return Expected<ExitCode>::ok(exit_code_for(options, comparison, end));
}

}  // namespace leakdemo
