#include "app/app.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <exception>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "app/guard_plan.hpp"
#include "app/plan_outputs.hpp"
#include "app/run_single.hpp"
#include "check/check.hpp"
#include "cli/cli.hpp"
#include "cli/warnings.hpp"
#include "compare/compare.hpp"
#include "live/live.hpp"
#include "measure/clock.hpp"
#include "measure/memory_guard.hpp"
#include "measure/signals.hpp"
#include "measure/workload.hpp"
#include "output/output.hpp"
#include "output/terminal.hpp"
#include "util/error.hpp"
#include "util/exit_code.hpp"
#include "watch/watch.hpp"

namespace leakdemo {
namespace {

// Diagnostics: one line each, straight to fd 2 in one write.
void print_error(std::string_view message) {
    std::string line = fmt::format("leakdemo: error: {}", message);
    // One line, even when the message quotes a user's path that holds a newline.
    std::replace(line.begin(), line.end(), '\n', ' ');
    line += '\n';
    [[maybe_unused]] const auto ignored = ::write(STDERR_FILENO, line.data(), line.size());
}

// Started with fd 0, 1 or 2 closed (cron, daemons, `>&-`), the first file leakdemo opens would take that
// number, and -o FILE would get the table as "stdout" interleaved with its own rows. /dev/null goes onto each
// closed one before anything else is opened.
Status open_standard_descriptors() {
    for (int fd = STDIN_FILENO; fd <= STDERR_FILENO; ++fd) {
        if (::fcntl(fd, F_GETFD) != -1 || errno != EBADF) {
            continue;
        }
        const int opened = ::open("/dev/null", fd == STDIN_FILENO ? O_RDONLY : O_WRONLY);
        if (opened < 0) {
            return Status::fail(fmt::format("cannot open /dev/null: {}", std::strerror(errno)));
        }
        if (opened != fd) {  // only if a lower one was closed by someone else meanwhile
            ::dup2(opened, fd);
            ::close(opened);
        }
    }
    return success();
}

// compare's children resolve no budget of their own: each gets its share of the one resolved here as
// --max-memory BYTES, or runs unguarded when there is none.
Options options_for_children(const Options& options, const GuardPlan& plan) {
    Options for_children = options;
    for_children.guard = GuardRequest{};
    for_children.guard.enabled = plan.budget.has_value();
    if (plan.budget) {
        for_children.guard.max_bytes = plan.budget->bytes;
    }
    return for_children;
}

// `leakdemo compare`: as run_single, the guard and the outputs are planned before anything starts.
Expected<ExitCode> run_compare_command(const Options& options) {
    using Result = Expected<ExitCode>;
    // The guard's budget is resolved once, here, and split: each child guards its own half.
    const Expected<GuardPlan> guard_plan = plan_guard(options, LiveSystemReader{}, 2);
    if (!guard_plan) {
        return Result::fail(guard_plan.error());
    }
    const Expected<OutputPlan> outputs = plan_outputs(options);
    if (!outputs) {
        return Result::fail(outputs.error());
    }
    print_stderr(guard_plan->notes);
    print_stderr(warning_lines(options, outputs->stdout_format));
    const Expected<ExitCode> ended = run_compare(options_for_children(options, *guard_plan), *outputs);
    if (!ended) {
        // Both children are gone and the summary is out: a child's failure ends compare like any runtime
        // failure (exit 1), reported by leakdemo_main.
        throw Error(ended.error());
    }
    return Result::ok(*ended);
}

// `leakdemo check`: the guard's budget resolved here, as for compare, and passed to each checked run (they
// run one after the other). Its note is not printed: check's stderr is for its one error line.
Expected<ExitCode> run_check_command(const Options& options) {
    const Expected<GuardPlan> guard_plan = plan_guard(options, LiveSystemReader{}, 1);
    if (!guard_plan) {
        return Expected<ExitCode>::fail(guard_plan.error());
    }
    // A flag without effect on the checked run (--threads outside arena mode ...) is still named.
    print_stderr(warning_lines(options, Format::table));
    return run_check(options_for_children(options, *guard_plan));
}

// `leakdemo watch`: the guard and the outputs planned as for a run, then watch/ takes over.
Expected<ExitCode> run_watch_command(const Options& options) {
    const Expected<GuardPlan> guard_plan = plan_guard(options, LiveSystemReader{}, 1);
    if (!guard_plan) {
        return Expected<ExitCode>::fail(guard_plan.error());
    }
    const Expected<OutputPlan> outputs = plan_outputs(options);
    if (!outputs) {
        return Expected<ExitCode>::fail(outputs.error());
    }
    return run_watch(options, guard_plan->budget, guard_plan->notes, *outputs);
}

// `leakdemo live`: a terminal first (exit 2 without one), then the guard and the outputs as for a run.
Expected<ExitCode> run_live_command(const Options& options) {
    if (const auto problem = live_terminal_problem(STDIN_FILENO, STDOUT_FILENO)) {
        return Expected<ExitCode>::fail(*problem);
    }
    const LiveSystemReader system;
    MonotonicClock clock;
    const Expected<GuardPlan> guard_plan = plan_guard(options, system, 1);
    if (!guard_plan) {
        return Expected<ExitCode>::fail(guard_plan.error());
    }
    const Expected<OutputPlan> outputs = plan_outputs(options);
    if (!outputs) {
        return Expected<ExitCode>::fail(outputs.error());
    }
    const std::unique_ptr<Guard> guard = make_guard(*guard_plan, system, clock);
    const auto budget = guard_plan->budget ? std::optional(guard_plan->budget->bytes) : std::nullopt;
    return run_live(options, *guard, budget, guard_plan->notes, *outputs);
}

// --help, --version, --completions: a reader that went away (`leakdemo --help | head -1`) ends them quietly
// with exit 0, as it ends a run (README "Exit status"), not with SIGPIPE's 141.
void write_info(std::string_view text) {
    ::signal(SIGPIPE, SIG_IGN);
    try {
        LineWriter(STDOUT_FILENO).write_line(text);
    } catch (const OutputClosed&) {
        // the reader has what it wanted
    }
}

// The command line, then the command. A failed result is a usage error (exit 2); a runtime failure throws.
Expected<ExitCode> run_command_line(int argc, char** argv) {
    using Result = Expected<ExitCode>;
    CliResult parsed = parse_command_line(argc, argv);
    if (const auto* info = std::get_if<InfoRequest>(&parsed)) {
        write_info(info->text);
        return Result::ok(ExitCode::success);
    }
    if (const auto* usage = std::get_if<UsageError>(&parsed)) {
        return Result::fail(usage->message);
    }
    install_signal_handlers();
    install_resize_handler();  // the table and compare follow the terminal's width (output/terminal.hpp)
    const Options& options = std::get<Options>(parsed);
    // Huge pages are a property of the machine, not of the command line: exit 1, before anything exists.
    if (options.huge_pages) {
        if (const Status huge_pages = check_huge_pages(); !huge_pages) {
            throw Error(fmt::format("--huge-pages: {}", huge_pages.error()));
        }
    }
    switch (options.command) {
        case Command::compare:
            return run_compare_command(options);
        case Command::watch:
            return run_watch_command(options);
        case Command::check:
            return run_check_command(options);
        case Command::scenarios:
            return run_scenarios(options);
        case Command::live:
            return run_live_command(options);
        case Command::run:
            break;
    }
    return run_single(options);
}

}  // namespace

int leakdemo_main(int argc, char** argv) {
    // The one place an error is printed and becomes an exit code: a step that fails before anything runs
    // returns a failed Expected (a usage error, exit 2); a failure while running throws Error (exit 1, or
    // the code it carries: watch's 126/127).
    if (const Status descriptors = open_standard_descriptors(); !descriptors) {
        print_error(descriptors.error());
        return to_int(ExitCode::runtime_error);
    }
    try {
        const Expected<ExitCode> ended = run_command_line(argc, argv);
        if (!ended) {
            print_error(ended.error());
            return to_int(ExitCode::usage);
        }
        return to_int(*ended);
    } catch (const Error& error) {
        print_error(error.what());
        return error.exit_code();
    } catch (const std::exception& error) {
        print_error(fmt::format("unexpected failure: {}", error.what()));
    }
    return to_int(ExitCode::runtime_error);
}

}  // namespace leakdemo
