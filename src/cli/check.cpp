#include "cli/check.hpp"

#include <fmt/format.h>

#include <string_view>
#include <utility>

namespace leakdemo {
namespace {

// compare runs the two modes of --modes, one child each, and shows both live: it has no use for --mode,
// and no single summary to print alone.
Status check_compare(const RawOptions& raw) {
    if (!raw.mode.empty()) {
        return Status::fail("--mode: not used by compare; give the two modes with --modes A,B");
    }
    if (raw.summary_only) {
        return Status::fail("--summary-only: not available with compare");
    }
    return success();
}

// watch measures someone else's program: the workload's options have no meaning there.
Status check_watch(const RawOptions& raw) {
    const std::pair<std::string_view, bool> workload[] = {{"--mode", !raw.mode.empty()},
                                                          {"--block-size", !raw.block_size.empty()},
                                                          {"--touch", !raw.touch.empty()},
                                                          {"--fill", !raw.fill.empty()},
                                                          {"--mmap-threshold", !raw.mmap_threshold.empty()},
                                                          {"--trim", raw.trim},
                                                          {"--huge-pages", raw.huge_pages},
                                                          {"--bars", !raw.bars.empty()}};
    for (const auto& [flag, given] : workload) {
        if (given) {
            return Status::fail(
                fmt::format("{}: not used by watch (it measures COMMAND, it allocates nothing)", flag));
        }
    }
    if (raw.watch_command.empty() == raw.watch_pid.empty()) {
        return Status::fail(raw.watch_pid.empty()
                                ? "watch: give a command after -- (watch -- COMMAND [ARGS...]) or --pid PID"
                                : "--pid: give either --pid or a command, not both");
    }
    if (raw.kill_on_budget && raw.watch_pid.empty()) {
        return Status::fail(
            "--kill-on-budget: only with --pid (a COMMAND that watch started is always stopped)");
    }
    if (!raw.command_output.empty() && !raw.watch_pid.empty()) {
        return Status::fail(
            "--command-output: only with a command (a process given by --pid has its own output)");
    }
    return success();
}

// check prints one table (or one record per checker) of what the checkers said: no samples to write, plot
// or judge, and the children's leak is what is being checked.
Status check_check(const RawOptions& raw) {
    const std::pair<std::string_view, bool> unused[] = {{"--output", !raw.output_path.empty()},
                                                        {"--report", !raw.report_path.empty()},
                                                        {"--chart", raw.chart},
                                                        {"--summary-only", raw.summary_only},
                                                        {"--fail-on-leak", raw.fail_on_leak},
                                                        {"--explain", raw.explain},
                                                        {"--bars", !raw.bars.empty()}};
    for (const auto& [flag, given] : unused) {
        if (given) {
            return Status::fail(
                fmt::format("{}: not used by check (it prints what the checkers said)", flag));
        }
    }
    return success();
}

}  // namespace

Status check_combinations(const RawOptions& raw) {
    if (raw.report_path == "-") {
        return Status::fail("--report: needs a file name (the HTML report is not written to stdout)");
    }
    if (raw.summary_only && !raw.output_path.empty()) {
        return Status::fail("--summary-only: cannot be combined with --output (it writes no samples)");
    }
    if (raw.compare) {
        return check_compare(raw);
    }
    if (raw.watch) {
        return check_watch(raw);
    }
    if (raw.check) {
        return check_check(raw);
    }
    return success();
}

}  // namespace leakdemo
