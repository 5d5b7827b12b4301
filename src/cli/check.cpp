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

// live draws its own screen on the terminal: stdout has no format to choose and no summary to print alone.
Status check_live(const RawOptions& raw) {
    const std::pair<std::string_view, bool> screen_only[] = {{"--format", !raw.format.empty()},
                                                             {"--summary-only", raw.summary_only},
                                                             {"--bars", !raw.bars.empty()},
                                                             {"--step-fd", !raw.step_fd.empty()}};
    for (const auto& [flag, given] : screen_only) {
        if (given) {
            return Status::fail(fmt::format("{}: not used by live (it draws its own screen)", flag));
        }
    }
    if (raw.explain && raw.no_explain) {
        return Status::fail("--no-explain: cannot be combined with --explain");
    }
    if (!raw.output_path.empty() && raw.output_path == "-") {
        return Status::fail("--output: live draws on stdout; give -o a file name");
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
    if (raw.live) {
        return check_live(raw);
    }
    return success();
}

}  // namespace leakdemo
