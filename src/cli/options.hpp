#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "measure/memory_guard.hpp"
#include "measure/watch_record.hpp"
#include "measure/workload.hpp"
#include "output/bars.hpp"
#include "output/formats.hpp"
#include "output/progress.hpp"
#include "output/report.hpp"
#include "output/terminal.hpp"
#include "util/enum_names.hpp"

namespace leakdemo {

// What leakdemo was asked to do: one run, `leakdemo compare` (two modes side by side), `leakdemo watch`
// (another program), `leakdemo check` / `scenarios` (the leak checkers, the zoo) or `leakdemo live` (one run
// driven with keys on a full screen).
enum class Command { run, compare, watch, check, scenarios, live };
template <>
inline constexpr auto enum_names<Command> =
    std::to_array<std::pair<Command, std::string_view>>({{Command::run, "run"},
                                                         {Command::compare, "compare"},
                                                         {Command::watch, "watch"},
                                                         {Command::check, "check"},
                                                         {Command::scenarios, "scenarios"},
                                                         {Command::live, "live"}});

// `leakdemo check --with` (docs/check.md): which leak checkers re-run the workload.
enum class CheckerChoice { all, valgrind, lsan };
template <>
inline constexpr auto enum_names<CheckerChoice> = std::to_array<std::pair<CheckerChoice, std::string_view>>(
    {{CheckerChoice::all, "all"}, {CheckerChoice::valgrind, "valgrind"}, {CheckerChoice::lsan, "lsan"}});

struct CheckSettings {
    CheckerChoice with = CheckerChoice::all;
    std::string valgrind_path;  // --valgrind; empty: $LEAKDEMO_VALGRIND, then valgrind on PATH
    std::chrono::nanoseconds timeout = std::chrono::minutes(5);  // per checker run
};
// What `check` runs when the command line does not say: short and bounded, even under valgrind (a run
// without -n would go on until the guard stops it). 1 MiB blocks keep memcheck quick (docs/check.md).
inline constexpr std::uint64_t default_check_iterations = 3;
inline constexpr std::uint64_t default_check_block_bytes = std::uint64_t{1} << 20;
// The most iterations check runs: the figures each checker must report grow linearly with -n, so more
// proves nothing more, and a run under valgrind is 20-50x slower (docs/check.md, measured there).
inline constexpr std::uint64_t max_check_iterations = 1000;

// `leakdemo watch` (docs/watch.md): what to watch and how to judge it.
struct WatchSettings {
    std::vector<std::string> command;  // -- COMMAND [ARGS...]; empty with --pid
    std::optional<std::uint64_t> pid;  // --pid
    std::optional<std::chrono::nanoseconds> duration;
    bool include_children = true;           // false: --no-children
    std::string command_output = "stderr";  // --command-output stderr|null|inherit|FILE
    Metric metric = Metric::rss;
    std::optional<std::chrono::nanoseconds> warmup;  // nullopt: 10 % of the run, at most 5 s
    double leak_rate_bytes_per_s = default_leak_rate_bytes_per_s;
    std::chrono::nanoseconds pss_interval = std::chrono::seconds(1);
    bool kill_on_budget = false;
};
inline constexpr std::chrono::nanoseconds default_watch_interval = std::chrono::milliseconds(100);
// `leakdemo live`: fast enough that a key's effect shows at once, slow enough to follow by eye.
inline constexpr std::chrono::nanoseconds default_live_interval = std::chrono::milliseconds(250);

// Everything the command line decides, as plain data. Filled only by cli.cpp.
struct Options {
    Mode mode = Mode::leak;
    Touch touch = Touch::all;
    std::uint64_t block_bytes = 4096000;  // the article's 4096 * 1000
    unsigned char fill = 0xFF;            // the article's memset(ptr, -1, ...)
    bool fill_given = false;              // --fill was on the command line (a warning with --touch none)
    bool huge_pages = false;              // --huge-pages: 2 MiB-aligned, madvise(MADV_HUGEPAGE) blocks
    std::uint64_t threads = 1;            // --threads: arena mode's worker threads
    bool threads_given = false;           // --threads was on the command line (a warning outside arena)
    std::optional<std::uint64_t> iterations;
    std::chrono::nanoseconds interval = std::chrono::seconds(1);

    Format format = Format::automatic;
    std::string output_path;  // -o; empty: none
    Format output_format = Format::automatic;
    ColorMode color = ColorMode::automatic;
    bool quiet = false;
    bool summary_only = false;
    bool fail_on_leak = false;
    ProgressMode progress = ProgressMode::automatic;  // the status line on stderr (output/progress.hpp)

    // Classroom (README "Classroom"): notes, allocator knobs, bars, chart, HTML report.
    bool explain = false;
    std::optional<std::uint64_t> mmap_threshold_bytes;  // --mmap-threshold
    bool trim = false;
    BarsMode bars = BarsMode::automatic;
    bool ascii = false;
    bool chart = false;
    std::string report_path;  // --report; empty: none
    Command command = Command::run;
    std::array<Mode, 2> compare_modes{Mode::leak, Mode::free};  // compare --modes A,B

    GuardRequest guard;  // --max-memory, --no-guard

    // compare's own wiring of its children, not for users (hidden from --help): the pipe the child reads
    // one byte from before each iteration (app/step_gate.hpp).
    std::optional<std::uint64_t> step_fd;
    WatchSettings watch;
    CheckSettings check;
};

// The workload the options describe (a run, each of compare's children, each of live's modes).
BlockWorkloadConfig workload_config(const Options& options);

// The options as the HTML report's "Parameters" table shows them (single run and compare).
std::vector<ReportParameter> report_parameters(const Options& options);

}  // namespace leakdemo
