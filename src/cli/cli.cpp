// The only file that includes CLI11: step (a) of reading the command line. It declares the options (names,
// help text, and the checks CLI11 runs while parsing, so CLI11 names the flag and keeps its order of errors)
// and fills RawOptions with what was given. convert.cpp turns the texts into Options, check.cpp checks
// combinations; neither knows CLI11.
#include "cli/cli.hpp"

#include <CLI/CLI.hpp>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "cli/check.hpp"
#include "cli/cli_usage.hpp"
#include "cli/completions.hpp"
#include "cli/help_formatter.hpp"
#include "cli/usage_message.hpp"
#include "util/units.hpp"
#include "util/version.hpp"

namespace leakdemo {
namespace {

constexpr std::string_view examples_footer = R"(Examples:
  leakdemo                              leak 4,096,000-byte blocks every second
  leakdemo --mode free -n 20 -i 200ms   free() restored: RSS rises, then stops
  leakdemo -n 10 -i 0 --format csv > run.csv
  leakdemo -n 50 -i 0 --summary-only --format jsonl | jq .verdict
  leakdemo --mode free -n 100 -i 0 --fail-on-leak -q
                                        exit 4 if memory keeps growing
  leakdemo --mode free -n 10 --explain --chart --report run.html
                                        the classroom: notes, plot, HTML page
  leakdemo compare -n 20 -i 200ms       leak and free side by side
  leakdemo -i 0 --max-memory 256MiB     leak fast, stop (exit 3) before 256 MiB
  leakdemo watch -- ./prog ARGS         sample another program and its children
  leakdemo check --mode hold            what valgrind and LeakSanitizer say
  leakdemo scenarios                    every mode: its pattern, what checkers show
  leakdemo live --mode hold -b 1MiB     a full screen driven by keys
  leakdemo --completions bash           a completion script (also zsh, fish)

Exit codes:
  0 done (also when the reader of stdout goes away, e.g. | head)
  1 runtime error   2 usage error   4 leaking with --fail-on-leak
  3 stopped early (memory guard, or allocation failed; before 4)
  5 check: a leak checker disagreed with leakdemo's expected figures
  129 SIGHUP   130 SIGINT   143 SIGTERM)";

// A CLI11 check that runs one of our parsers: CLI11 names the flag in the error ("--block-size: ..."), the
// parser supplies the reason. `choices` is what --help shows after the type name (an enum's names).
template <typename Parser>
CLI::Validator checked_by(Parser parser, std::string choices = {}) {
    return CLI::Validator(
        [parser](std::string& input) -> std::string {
            const auto parsed = parser(input);
            return parsed ? std::string{} : parsed.error();
        },
        std::move(choices));
}

// The one way an enum option is declared (--mode, --touch, --format, --color, --bars): its choices in
// --help and in the completion scripts (the validator named choices_validator), its check and its default
// all come from the enum's name table. Enums are bound through text:
// CLI11 2.1 finds our to_string by ADL and trips on it, and its enum transformer prints numbers in --help.
template <NamedEnum E>
CLI::Option* add_enum_option(CLI::App& app, const std::string& flags, std::string& text, E default_value,
                             const std::string& type_name, const std::string& description) {
    return app.add_option(flags, text, description)
        ->check(checked_by(parse_enum<E>, enum_choices<E>()), choices_validator)
        ->type_name(type_name)
        ->default_str(std::string(to_string(default_value)));
}

// What is allocated, how often, and how it is touched.
void declare_workload(CLI::App& app, RawOptions& raw) {
    const Options defaults;
    add_enum_option(app, "-m,--mode", raw.mode, defaults.mode, "MODE",
                    "leak: drop the pointer (the article); free: free() it (line 43 restored); hold: keep it "
                    "reachable until exit; the zoo of leaks (indirect ... mmap): see `leakdemo scenarios`");
    app.add_option(
           "-b,--block-size", raw.block_size,
           "bytes per allocation: 4096000, 4000KiB, 4MB (=4,000,000), 4MiB or 4M (=4,194,304); as in GNU "
           "coreutils, K M G T and KiB MiB GiB TiB are binary, KB MB GB TB decimal")
        ->check(checked_by(parse_block_size))
        ->type_name("SIZE")
        ->default_str(std::to_string(defaults.block_bytes));
    app.add_option("-n,--iterations", raw.iterations, "number of allocations (default: until Ctrl-C)")
        ->check(checked_by(parse_count))
        ->type_name("N");
    // Two short lines (CLI11 indents after '\n'): --help stays within 80 columns.
    app.add_option("-i,--interval", raw.interval,
                   "pause between iterations: 0, 250ms, 1.5s, 2m\n(at most 24h); missed ticks are skipped")
        ->check(checked_by(parse_duration))
        ->type_name("DURATION")
        ->default_str(format_duration(defaults.interval));
    app.add_option("--threads", raw.threads,
                   "arena mode: worker threads that each malloc, touch and free a block per iteration "
                   "(1-64)")
        ->check(checked_by(parse_threads))
        ->type_name("N")
        ->default_str(std::to_string(defaults.threads));
    add_enum_option(
        app, "--touch", raw.touch, defaults.touch, "TOUCH",
        "all: memset every byte; page: one byte per 4 KiB page; none: no write: the block's pages "
        "stay uncommitted (RSS still grows by malloc's headers and small objects)");
    app.add_option("--fill", raw.fill, "byte written by --touch (0-255 or 0xNN; the article's -1 is 0xff)")
        ->check(checked_by(parse_fill))
        ->type_name("BYTE")
        ->default_str(fmt::format("{:#04x}", defaults.fill));
}

// Where the samples and the summary go.
void declare_output(CLI::App& app, RawOptions& raw) {
    const Options defaults;
    add_enum_option(app, "-f,--format", raw.format, defaults.format, "FORMAT",
                    "auto: table on a terminal, CSV otherwise; table; csv; jsonl (JSON Lines)");
    app.add_option(
           "-o,--output", raw.output_path,
           "also write the samples to FILE (.csv or .jsonl/.json; - is stdout); the terminal keeps the "
           "table")
        ->type_name("FILE");
    add_enum_option(app, "--color", raw.color, defaults.color, "WHEN",
                    "colour in the table: auto (terminal, no NO_COLOR), always, never");
    add_enum_option(app, "--progress", raw.progress, defaults.progress, "WHEN",
                    "a status line on stderr while the samples go elsewhere: auto (stderr a terminal, "
                    "stdout not), always (even into a file), never");
    auto* quiet = app.add_flag("-q,--quiet", raw.quiet,
                               "no summary, and no notes or warnings about the options, on stderr "
                               "(errors and the guard's warnings stay)");
    app.add_flag("--summary-only", raw.summary_only,
                 "print only the summary on stdout (human; a JSON object with --format jsonl; a CSV row with "
                 "--format csv)")
        ->excludes(quiet);
    app.add_flag("--fail-on-leak", raw.fail_on_leak,
                 "exit with code 4 when the verdict is `leaking` (needs at least 3 iterations; a run "
                 "stopped early exits 3 instead)");
    app.add_flag("--huge-pages", raw.huge_pages,
                 "leak, free and hold: 2 MiB-aligned blocks (size rounded up to 2 MiB) with "
                 "madvise(MADV_HUGEPAGE): one page fault maps 2 MiB instead of 4 KiB (Linux, THP `always` or "
                 "`madvise`; exit 1 if THP is off; other modes refuse it)");
}

// Classroom: notes, allocator knobs, bars, chart, report (README "Classroom").
void declare_classroom(CLI::App& app, RawOptions& raw) {
    app.add_flag("--explain", raw.explain,
                 "explain what the allocator and the kernel did, from what was measured (notes in the table, "
                 "JSONL note records, or stderr with CSV)");
    app.add_option(
           "--mmap-threshold", raw.mmap_threshold,
           "mallopt(M_MMAP_THRESHOLD, SIZE): blocks of at least SIZE are mmap'd; also switches glibc's "
           "dynamic threshold off (0 to 32MiB)")
        ->check(checked_by(parse_mmap_threshold))
        ->type_name("SIZE");
    app.add_flag("--trim", raw.trim,
                 "malloc_trim(0) after the frees of each iteration (free, fragment mode): free pages go "
                 "back to the OS");
    add_enum_option(app, "--bars", raw.bars, Options{}.bars, "WHEN",
                    "a bar of current RSS (max RSS marked) on each table row: auto (on a terminal), always, "
                    "never");
    app.add_flag("--ascii", raw.ascii, "bars and chart in plain ASCII instead of Unicode blocks");
    app.add_flag("--chart", raw.chart, "at the end, plot RSS and max RSS against iteration on stderr");
    app.add_option(
           "--report", raw.report_path,
           "at the end (also on Ctrl-C), write a self-contained HTML report: parameters, chart, summary, "
           "notes")
        ->type_name("FILE.html");
}

// The memory guard (memory_guard.hpp).
void declare_guard(CLI::App& app, RawOptions& raw) {
    auto* max_memory =
        app.add_option("--max-memory", raw.max_memory,
                       "stop (exit 3) before leaked + held memory (or RSS growth, if larger) passes SIZE, "
                       "or N% of available memory "
                       "(default: 50% of available memory, lowered by the cgroup limit and ulimit -v/-d)")
            ->check(checked_by(parse_max_memory))
            ->type_name("SIZE|N%");
    app.add_flag("--no-guard", raw.no_guard,
                 "turn the memory guard off: a runaway leak then ends with malloc failing or the OOM killer")
        ->excludes(max_memory);
    // compare gives its children the lock-step pipe; not for users, so in no group (hidden from --help).
    app.add_option("--step-fd", raw.step_fd)->check(checked_by(parse_count))->group("");
}

// `leakdemo compare`: fallthrough, so every option above (and any added later) is accepted after `compare`
// too and reaches the children through compare_child_arguments().
CLI::App* declare_compare(CLI::App& app, RawOptions& raw) {
    auto* compare = app.add_subcommand(
        std::string(to_string(Command::compare)),
        "run the same workload in two modes at once, each in its own child process, in one live table");
    compare->fallthrough();  // HelpFormatter lists the top-level options compare takes under its own
    compare->footer(
        "Each mode runs in a child process of its own, the two in step, each with half of the\n"
        "memory guard's budget.");
    const auto& modes = Options{}.compare_modes;
    compare
        ->add_option("--modes", raw.compare_modes, "the two modes to compare, e.g. leak,free or leak,cache")
        ->check(checked_by(parse_compare_modes, enum_choices<Mode>()), choices_validator)
        ->type_name("A,B")
        ->default_str(fmt::format("{},{}", to_string(modes[0]), to_string(modes[1])));
    return compare;
}

// `leakdemo watch`: fallthrough like compare, so -i, -n, --format, -o, --report, --chart, --explain, --color,
// -q, --summary-only, --fail-on-leak, --max-memory and --no-guard apply to watch too.
void declare_watch_options(CLI::App& watch, RawOptions& raw) {
    const WatchSettings defaults;
    watch.add_option("--pid", raw.watch_pid, "attach to a running process instead of starting COMMAND")
        ->check(checked_by(parse_pid))
        ->type_name("PID");
    watch
        .add_option("--duration", raw.watch_duration,
                    "stop watching after DURATION (a COMMAND is then stopped: SIGTERM, SIGKILL 2 s later)")
        ->check(checked_by(parse_duration))
        ->type_name("DURATION");
    watch.add_flag(
        "--no-children", raw.no_children,
        "sample the top process only (default: the whole tree, summed; `processes` says how many)");
    watch
        .add_option("--command-output", raw.command_output,
                    "where COMMAND's stdout and stderr go: stderr (leakdemo's), null, inherit, or FILE")
        // watch checks it (parse_command_output; cli does not link watch): the names are here for --help
        // and the completion scripts, which offer them and file names.
        ->check(CLI::Validator([](const std::string&) { return std::string{}; }, "{stderr,null,inherit}"),
                choices_validator)
        ->type_name("WHERE|FILE")
        ->default_str(defaults.command_output);
    add_enum_option(watch, "--metric", raw.metric, defaults.metric, "METRIC",
                    "the figure the verdict judges: rss, pss (shared pages split) or uss (private pages)");
    watch
        .add_option(
            "--warmup", raw.warmup,
            "samples before DURATION are left out of the verdict (default: 10% of the run, at most 5s)")
        ->check(checked_by(parse_duration))
        ->type_name("DURATION");
    watch
        .add_option("--leak-rate", raw.leak_rate,
                    "growth at or above RATE (and a floor rising all along) is `leaking`: 1MiB/min, 100KiB/s")
        ->check(checked_by(parse_rate))
        ->type_name("RATE")
        ->default_str("1MiB/min");
    watch
        .add_option("--pss-interval", raw.pss_interval,
                    "read smaps_rollup (PSS, USS; costs grow with RSS) at most every DURATION")
        ->check(checked_by(parse_duration))
        ->type_name("DURATION")
        ->default_str(format_duration(defaults.pss_interval));
    watch.add_flag("--kill-on-budget", raw.kill_on_budget,
                   "with --pid: stop the process when it passes the guard's budget (default: only warn)");
    watch.add_option("COMMAND", raw.watch_command, "the program to start and watch, after --")
        ->type_name("COMMAND [ARGS...]");
}

CLI::App* declare_watch(CLI::App& app, RawOptions& raw) {
    auto* watch = app.add_subcommand(
        std::string(to_string(Command::watch)),
        "sample another program (COMMAND, started here, or --pid PID) and its children until it exits: "
        "the same table, exports, chart, report and guard, with a verdict on its rate of growth");
    watch->fallthrough();
    watch->footer(
        "-i (default 100ms), -n, --format, -o, --report, --chart, --explain, --color, -q, --summary-only,\n"
        "--fail-on-leak, --max-memory and --no-guard work as for a run (leakdemo --help).\n"
        "Exit status: COMMAND's own, or 128+N when signal N killed it; 127 not found, 126 not executable,\n"
        "2 usage (a bad or vanished --pid too), 3 stopped by the guard, 4 with --fail-on-leak when COMMAND\n"
        "succeeded and the verdict is `leaking`. Reference: docs/watch.md.");
    declare_watch_options(*watch, raw);
    return watch;
}

// `leakdemo check`: fallthrough like compare, so the workload options reach the checked runs.
CLI::App* declare_check(CLI::App& app, RawOptions& raw) {
    auto* check = app.add_subcommand(
        std::string(to_string(Command::check)),
        "run the workload again under valgrind and LeakSanitizer and compare their leak figures with "
        "what leakdemo expects, to the byte and block");
    check->fallthrough();
    check->footer(
        "The workload options (-m, -b, -n, -i, --touch, --fill, --max-memory ...) may\n"
        "follow `check`; without -n, -i or -b it runs -n 3 -i 0 -b 1MiB; -n at most 1000.\n"
        "Also --format (auto: the table on a terminal, CSV otherwise), --ascii, --color,\n"
        "--progress (a status line while a checker runs), -q (leakdemo --help).\n"
        "Environment: LEAKDEMO_VALGRIND (a valgrind), LEAKDEMO_LSAN_LIBRARY (liblsan.so.0;\n"
        "empty: none). Exit status: 0 every checker agreed, 5 one disagreed, 1 no checker\n"
        "found or one failed, 2 usage. Reference: docs/check.md.");
    add_enum_option(*check, "--with", raw.check_with, CheckSettings{}.with, "CHECKER",
                    "which checkers: all (those installed), valgrind, lsan");
    check
        ->add_option("--valgrind", raw.valgrind_path,
                     "the valgrind to run (default: $LEAKDEMO_VALGRIND, or PATH's)")
        ->type_name("PATH");
    check->add_option("--timeout", raw.check_timeout, "stop a checker run after DURATION (exit 1)")
        ->check(checked_by(parse_duration))
        ->type_name("DURATION")
        ->default_str("5m");
    return check;
}

CLI::App* declare_scenarios(CLI::App& app) {
    auto* scenarios = app.add_subcommand(
        std::string(to_string(Command::scenarios)),
        "list every mode: its pattern, what valgrind, LeakSanitizer and RSS show, and its lesson");
    scenarios->fallthrough();
    scenarios->footer("It runs nothing, so it takes no other option (exit 2). Reference: docs/check.md.");
    return scenarios;
}

// `leakdemo live`: fallthrough like compare, so the run's options apply after `live` too. The few whose
// meaning or default differ in live are declared again here, with live's text and default, into the same
// fields: `live --help` then states live's own (the top level's of the same name are left out of it).
void declare_live_options(CLI::App& live, RawOptions& raw) {
    const Options defaults;
    add_enum_option(live, "-m,--mode", raw.mode, defaults.mode, "MODE",
                    "the mode it starts in (keys l, f, h and the s menu switch it): leak, free, hold or "
                    "one of the zoo (`leakdemo scenarios`)");
    live.add_option("-n,--iterations", raw.iterations,
                    "allocate N times, then keep the last frame until q (default: until q)")
        ->check(checked_by(parse_count))
        ->type_name("N");
    live.add_option("-i,--interval", raw.interval,
                    "pause between iterations, 10ms to 10s: 50ms, 1.5s; keys + and - halve and double it")
        ->check(checked_by(parse_duration))
        ->type_name("DURATION")
        ->default_str(format_duration(default_live_interval));
    live.add_option("-o,--output", raw.output_path,
                    "also write to FILE: .jsonl the samples, notes, key events and summary; .csv the "
                    "samples (not -: stdout is the screen)")
        ->type_name("FILE");
    add_enum_option(live, "--color", raw.color, defaults.color, "WHEN",
                    "colour on the screen and in the summary: auto (terminal, no NO_COLOR), always, never");
    live.add_flag("--explain", raw.explain,
                  "notes from what was measured, on the screen and in -o (on by default here)");
    live.add_flag("--no-explain", raw.no_explain, "no --explain notes on the screen or in -o");
}

CLI::App* declare_live(CLI::App& app, RawOptions& raw) {
    auto* live = app.add_subcommand(std::string(to_string(Command::live)),
                                    "one run on a full screen driven by keys: modes, release, trim, mark");
    live->fallthrough();
    live->footer(
        "Keys: l leak  f free  h hold  s other modes  r release held  t malloc_trim\n"
        "      m mark a phase  space pause  + faster  - slower  q quit\n"
        "When the run ends by itself (-n, the guard, a failed allocation), its last\n"
        "frame stays until q. Needs a terminal on stdin and stdout (exit 2 otherwise).\n"
        "Ctrl-C, Ctrl-Z work as usual; the terminal is restored on every way out.\n"
        "Not --format, --summary-only, --bars, --progress. See docs/live.md.");
    declare_live_options(*live, raw);
    return live;
}

// The top-level options the command line gave, each as "-n/--iterations" (how a refusal names it).
std::vector<std::string> given_options(const CLI::App& app) {
    std::vector<std::string> given;
    for (const CLI::Option* option : app.get_options()) {
        if (option->nonpositional() && option->count() > 0) {
            std::string names;
            for (const std::string& name : option->get_snames()) {
                names += "-" + name + "/";
            }
            for (const std::string& name : option->get_lnames()) {
                names += "--" + name + "/";
            }
            names.pop_back();
            given.push_back(std::move(names));
        }
    }
    return given;
}

}  // namespace

CliResult parse_command_line(int argc, const char* const* argv) {
    // (a) Declare and parse: CLI11 checks each value as it reads it and fills `raw`.
    RawOptions raw;
    CLI::App app{
        "leakdemo: make a memory leak visible. Allocates a block per iteration, touches it so the\n"
        "kernel commits its pages, then leaks, frees or holds it, and prints what the process's\n"
        "memory did (current RSS, ru_maxrss, page faults, the allocator's heap), measured.",
        "leakdemo"};
    app.set_version_flag("--version", std::string("leakdemo ") + LEAKDEMO_VERSION);
    app.footer(std::string(examples_footer));
    // --help in 80 columns; set before the subcommands are declared, which take the app's formatter.
    app.formatter(std::make_shared<HelpFormatter>());
    // A repeated option takes its last value (`-n 1 -n 3` runs 3), as GNU tools do; every option declared
    // below, the subcommand's too, inherits this.
    app.option_defaults()->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
    declare_workload(app, raw);
    declare_output(app, raw);
    declare_classroom(app, raw);
    declare_guard(app, raw);
    const CLI::App* compare = declare_compare(app, raw);
    const CLI::App* watch = declare_watch(app, raw);
    app.add_option("--completions", raw.completions,
                   "print the completion script for SHELL and exit (docs/completions.md)")
        ->check(checked_by(parse_enum<Shell>, enum_choices<Shell>()), choices_validator)
        ->type_name("SHELL");
    const CLI::App* check = declare_check(app, raw);
    const CLI::App* scenarios = declare_scenarios(app);
    const CLI::App* live = declare_live(app, raw);
    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp&) {
        return InfoRequest{app.help()};
    } catch (const CLI::CallForAllHelp&) {
        return InfoRequest{app.help("", CLI::AppFormatMode::All)};
    } catch (const CLI::CallForVersion& version) {
        return InfoRequest{std::string(version.what()) + "\n"};
    } catch (const CLI::ParseError& error) {
        // One line even when it quotes an argument that holds a newline (found by fuzz_command_line).
        return UsageError{one_line(usage_message(error, app))};
    }
    raw.compare = compare->parsed();
    if (compare->count() > 1) {
        // `compare` falls through to the top level, where `compare` matches again: say so, don't nest.
        return UsageError{"compare: given more than once; write `leakdemo compare [OPTIONS]`"};
    }
    raw.watch = watch->parsed();
    raw.live = live->parsed();
    if (live->count() > 1) {
        return UsageError{"live: given more than once; write `leakdemo live [OPTIONS]`"};
    }
    raw.check = check->parsed();
    raw.scenarios = scenarios->parsed();
    raw.given_options = given_options(app);
    // Each subcommand falls through to the top level, where another one matches too: `check compare`.
    if (int{raw.compare} + int{raw.watch} + int{raw.live} + int{raw.check} + int{raw.scenarios} > 1) {
        return UsageError{"give one subcommand at a time (compare, watch, check, live or scenarios)"};
    }
    if (const auto shell = enum_from_name<Shell>(raw.completions)) {
        return InfoRequest{completion_script(*shell, describe_command_line(app))};
    }

    // (b) The texts become typed values; (c) then the combinations are checked.
    Expected<Options> options = convert_options(raw);
    if (!options) {
        return UsageError{options.error()};
    }
    if (const Status combination = check_combinations(raw); !combination) {
        return UsageError{combination.error()};
    }
    return std::move(options).value();
}

}  // namespace leakdemo
