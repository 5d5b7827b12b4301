#include "cli/check.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <iterator>
#include <string_view>
#include <utility>

namespace leakdemo {
namespace {

constexpr std::string_view compare_refuses[] = {"--mode", "--summary-only", "--progress"};
// watch measures someone else's program: the workload's options have no meaning there.
constexpr std::string_view watch_refuses[] = {"--mode",           "--block-size", "--touch",      "--fill",
                                              "--mmap-threshold", "--trim",       "--huge-pages", "--threads",
                                              "--bars",           "--progress"};

// check prints what the checkers said; live draws its own screen. Their --help leaves these out too.
constexpr std::string_view check_refuses[] = {"--output",       "--report",  "--chart", "--summary-only",
                                              "--fail-on-leak", "--explain", "--bars"};
constexpr std::string_view live_refuses[] = {"--format", "--summary-only", "--bars", "--progress",
                                             "--step-fd"};
// scenarios lists the zoo and runs nothing: it takes these two and refuses every other option.
constexpr std::string_view scenarios_takes[] = {"--format", "--color"};

bool taken_by_scenarios(std::string_view names) {
    return std::any_of(std::begin(scenarios_takes), std::end(scenarios_takes),
                       [names](std::string_view name) {
                           return names == name || names.ends_with(fmt::format("/{}", name));
                       });
}

// The status line belongs to a single run: compare and watch draw their own views (docs/progress.md).
Status check_progress(const RawOptions& raw, Command command) {
    if (raw.progress.empty()) {
        return success();
    }
    return Status::fail(fmt::format("--progress: not used by {} (only a single run draws a progress line)",
                                    to_string(command)));
}

// compare runs the two modes of --modes, one child each, and shows both live: it has no use for --mode,
// and no single summary to print alone.
Status check_compare(const RawOptions& raw) {
    if (!raw.mode.empty()) {
        return Status::fail("--mode: not used by compare; give the two modes with --modes A,B");
    }
    if (raw.summary_only) {
        return Status::fail("--summary-only: not available with compare");
    }
    return check_progress(raw, Command::compare);
}

// watch_refuses, in its order: whether each was given.
Status check_watch(const RawOptions& raw) {
    const bool given[] = {!raw.mode.empty(), !raw.block_size.empty(),     !raw.touch.empty(),
                          !raw.fill.empty(), !raw.mmap_threshold.empty(), raw.trim,
                          raw.huge_pages,    !raw.threads.empty(),        !raw.bars.empty()};
    static_assert(std::size(given) + 1 == std::size(watch_refuses));  // and --progress, below
    for (std::size_t i = 0; i < std::size(given); ++i) {
        if (given[i]) {
            return Status::fail(fmt::format(
                "{}: not used by watch (it measures COMMAND, it allocates nothing)", watch_refuses[i]));
        }
    }
    if (const Status progress = check_progress(raw, Command::watch); !progress) {
        return progress;
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
    // check_refuses, in its order: whether each was given.
    const bool given[] = {!raw.output_path.empty(), !raw.report_path.empty(), raw.chart,
                          raw.summary_only,         raw.fail_on_leak,         raw.explain,
                          !raw.bars.empty()};
    static_assert(std::size(given) == std::size(check_refuses));
    for (std::size_t i = 0; i < std::size(given); ++i) {
        if (const std::string_view flag = check_refuses[i]; given[i]) {
            return Status::fail(
                fmt::format("{}: not used by check (it prints what the checkers said)", flag));
        }
    }
    return success();
}

Status check_scenarios(const RawOptions& raw) {
    for (const std::string& names : raw.given_options) {
        if (!taken_by_scenarios(names)) {
            return Status::fail(fmt::format(
                "scenarios: {} has no effect: scenarios lists every mode and runs nothing", names));
        }
    }
    return success();
}

// live draws its own screen on the terminal: stdout has no format to choose and no summary to print alone.
Status check_live(const RawOptions& raw) {
    // live_refuses, in its order: whether each was given.
    const bool given[] = {!raw.format.empty(), raw.summary_only, !raw.bars.empty(), !raw.progress.empty(),
                          !raw.step_fd.empty()};
    static_assert(std::size(given) == std::size(live_refuses));
    for (std::size_t i = 0; i < std::size(given); ++i) {
        if (const std::string_view flag = live_refuses[i]; given[i]) {
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

std::span<const std::string_view> options_refused_by(std::string_view subcommand) {
    if (subcommand == to_string(Command::compare)) {
        return compare_refuses;
    }
    if (subcommand == to_string(Command::watch)) {
        return watch_refuses;
    }
    if (subcommand == to_string(Command::check)) {
        return check_refuses;
    }
    if (subcommand == to_string(Command::live)) {
        return live_refuses;
    }
    return {};
}

std::span<const std::string_view> options_only_taken_by(std::string_view subcommand) {
    if (subcommand == to_string(Command::scenarios)) {
        return scenarios_takes;
    }
    return {};
}

Status check_combinations(const RawOptions& raw) {
    if (raw.scenarios) {
        return check_scenarios(raw);  // before the others: scenarios takes none of their options
    }
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
    if (raw.live) {
        return check_live(raw);
    }
    return success();
}

}  // namespace leakdemo
