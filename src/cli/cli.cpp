// The only file that includes CLI11: argv in, Options (or a one-line usage error) out.
#include "cli/cli.hpp"

#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <map>

#include "util/units.hpp"
#include "util/version.hpp"

namespace leakdemo {

Expected<std::array<Mode, 2>> parse_compare_modes(std::string_view text) {
    using Result = Expected<std::array<Mode, 2>>;
    const auto comma = text.find(',');
    if (comma == std::string_view::npos) {
        return Result::fail(fmt::format("'{}' names one mode; give two, e.g. leak,free", text));
    }
    const std::string_view names[2] = {text.substr(0, comma), text.substr(comma + 1)};
    if (names[1].find(',') != std::string_view::npos) {
        return Result::fail(fmt::format("'{}' names more than two modes; give two, e.g. leak,free", text));
    }
    std::array<Mode, 2> modes{};
    for (std::size_t side = 0; side < 2; ++side) {
        std::string lower(names[side]);
        std::transform(lower.begin(), lower.end(), lower.begin(),
                       [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
        const auto mode = enum_from_name<Mode>(lower);
        if (!mode) {
            return Result::fail(fmt::format("'{}' is not a mode (leak, free or hold)", names[side]));
        }
        modes[side] = *mode;
    }
    if (modes[0] == modes[1]) {
        return Result::fail(fmt::format("'{}' names the same mode twice; give two different modes", text));
    }
    return Result::ok(modes);
}

namespace {

constexpr std::string_view examples_footer = R"(Examples:
  leakdemo                                  leak 4,096,000-byte blocks every second until Ctrl-C
  leakdemo --mode free -n 20 -i 200ms       the article with free() restored: RSS rises once, then stops
  leakdemo -n 10 -i 0 --format csv > run.csv
  leakdemo -n 50 -i 0 --summary-only --format jsonl | jq .verdict
  leakdemo --mode free -n 100 -i 0 --fail-on-leak -q   exit 4 if memory keeps growing
  leakdemo --mode free -n 10 --explain --chart --report run.html   the classroom: notes, plot, HTML page
  leakdemo compare -n 20 -i 200ms           leak and free side by side, each in its own process
  leakdemo -i 0 --max-memory 256MiB         leak as fast as possible, stop (exit 3) before 256 MiB

Exit codes:
  0 done (also when the reader of stdout goes away, e.g. | head)   1 runtime error   2 usage error
  3 stopped early (memory guard, or allocation failed)   4 leaking with --fail-on-leak   130 SIGINT   143 SIGTERM)";

// A CLI11 transformer around one of our parsers: CLI11 names the flag in the error ("--block-size: ..."),
// our parser supplies the reason, and the option receives the parsed number as text.
template <typename Parser>
CLI::Validator parsed_by(Parser parser) {
    return CLI::Validator(
        [parser](std::string& input) -> std::string {
            const auto result = parser(input);
            if (!result) {
                return result.error();
            }
            if constexpr (std::is_same_v<std::decay_t<decltype(result.value())>, std::chrono::nanoseconds>) {
                input = std::to_string(result.value().count());
            } else {
                input = std::to_string(result.value());
            }
            return {};
        },
        std::string{});  // no validator text in --help: the type name says it
}

Expected<std::uint64_t> parse_block_size(std::string_view text) {
    auto size = parse_size(text);
    if (size && size.value() == 0) {
        return Expected<std::uint64_t>::fail("a block must be at least 1 byte");
    }
    // malloc takes a size_t and glibc refuses anything above PTRDIFF_MAX: say so up front.
    constexpr std::uint64_t max_block = std::uint64_t{1} << 46;  // 64 TiB
    if (size && size.value() > max_block) {
        return Expected<std::uint64_t>::fail(
            fmt::format("'{}' is larger than the maximum block of 64 TiB", text));
    }
    return size;
}

Expected<std::uint64_t> parse_fill(std::string_view text) {
    // 0..255 in decimal or 0x00..0xff; -1 means 0xFF as in the article's memset(ptr, -1, ...).
    if (text == "-1") {
        return Expected<std::uint64_t>::ok(0xFF);
    }
    unsigned value = 0;
    std::string_view digits = text;
    int base = 10;
    if (digits.size() > 2 && digits[0] == '0' && (digits[1] == 'x' || digits[1] == 'X')) {
        digits.remove_prefix(2);
        base = 16;
    }
    bool ok = !digits.empty() && digits.size() <= 3;
    for (char c : digits) {
        int d = -1;
        if (c >= '0' && c <= '9') {
            d = c - '0';
        } else if (base == 16 && c >= 'a' && c <= 'f') {
            d = c - 'a' + 10;
        } else if (base == 16 && c >= 'A' && c <= 'F') {
            d = c - 'A' + 10;
        }
        if (d < 0) {
            ok = false;
            break;
        }
        value = value * static_cast<unsigned>(base) + static_cast<unsigned>(d);
    }
    if (!ok || value > 255) {
        return Expected<std::uint64_t>::fail(
            fmt::format("'{}' is not a byte (0-255, 0x00-0xff, or -1 for 0xff)", text));
    }
    return Expected<std::uint64_t>::ok(value);
}

Expected<std::uint64_t> parse_mmap_threshold(std::string_view text) {
    auto size = parse_size(text);
    // glibc's mallopt refuses more than HEAP_MAX_SIZE / 2 (32 MiB on 64-bit): say so before running.
    if (size && size.value() > max_mmap_threshold_bytes) {
        return Expected<std::uint64_t>::fail(
            fmt::format("'{}' is above glibc's maximum mmap threshold of 32 MiB (33554432 bytes)", text));
    }
    return size;
}

Format format_from_extension(const std::string& path) {
    const auto ends_with = [&path](std::string_view suffix) {
        return path.size() >= suffix.size() &&
               path.compare(path.size() - suffix.size(), suffix.size(), suffix) == 0;
    };
    if (ends_with(".csv")) {
        return Format::csv;
    }
    if (ends_with(".jsonl") || ends_with(".json")) {
        return Format::jsonl;
    }
    return Format::automatic;
}

std::string one_line(std::string text) {
    std::replace(text.begin(), text.end(), '\n', ' ');
    while (!text.empty() && text.back() == ' ') {
        text.pop_back();
    }
    return text;
}

}  // namespace

CliResult parse_command_line(int argc, const char* const* argv) {
    Options options;
    CLI::App app{
        "leakdemo: make a memory leak visible. Allocates a block per iteration, touches it so the\n"
        "kernel commits its pages, then leaks, frees or holds it, and prints what the process's\n"
        "memory did (current RSS, ru_maxrss, page faults, the allocator's heap), measured.",
        "leakdemo"};
    app.set_version_flag("--version", std::string("leakdemo ") + LEAKDEMO_VERSION);
    app.footer(std::string(examples_footer));
    app.get_formatter()->column_width(34);

    const std::map<std::string, Mode> modes{{"leak", Mode::leak}, {"free", Mode::free}, {"hold", Mode::hold}};
    // Enums are bound through text: CLI11 2.1 finds our to_string(Mode) by ADL and trips on it, and its
    // enum transformer prints the enum's numbers in --help.
    std::string mode_text = "leak";
    app.add_option("-m,--mode", mode_text,
                   "leak: drop the pointer (the article); free: free() it (line 43 restored); hold: keep it "
                   "reachable in a container until exit")
        ->check(CLI::IsMember(modes, CLI::ignore_case))
        ->type_name("MODE")
        ->default_str("leak");

    app.add_option("-b,--block-size", options.block_bytes,
                   "bytes per allocation: 4096000, 4000KiB, 4MB (=4,000,000), 4MiB (=4,194,304)")
        ->transform(parsed_by(parse_block_size))
        ->type_name("SIZE")
        ->default_str("4096000");

    std::uint64_t iterations = 0;
    auto* iterations_option =
        app.add_option("-n,--iterations", iterations, "number of allocations (default: until Ctrl-C)")
            ->transform(parsed_by(parse_count))
            ->type_name("N");

    std::int64_t interval_ns = options.interval.count();
    app.add_option("-i,--interval", interval_ns, "pause between iterations: 0, 250ms, 1.5s, 2m (at most 24h)")
        ->transform(parsed_by(parse_duration))
        ->type_name("DURATION")
        ->default_str("1s");

    const std::map<std::string, Touch> touches{
        {"all", Touch::all}, {"page", Touch::page}, {"none", Touch::none}};
    std::string touch_text = "all";
    app.add_option("--touch", touch_text,
                   "all: memset every byte; page: one byte per 4 KiB page; none: no write (RSS stays flat)")
        ->check(CLI::IsMember(touches, CLI::ignore_case))
        ->type_name("TOUCH")
        ->default_str("all");

    std::uint64_t fill = options.fill;
    app.add_option("--fill", fill, "byte written by --touch (0-255 or 0xNN; the article's -1 is 0xff)")
        ->transform(parsed_by(parse_fill))
        ->type_name("BYTE")
        ->default_str("0xff");

    const std::map<std::string, Format> formats{{"auto", Format::automatic},
                                                {"table", Format::table},
                                                {"csv", Format::csv},
                                                {"jsonl", Format::jsonl}};
    std::string format_text = "auto";
    auto* format_option =
        app.add_option("-f,--format", format_text,
                       "auto: table on a terminal, CSV otherwise; table; csv; jsonl (JSON Lines)")
            ->check(CLI::IsMember(formats, CLI::ignore_case))
            ->type_name("FORMAT")
            ->default_str("auto");

    app.add_option(
           "-o,--output", options.output_path,
           "also write the samples to FILE (.csv or .jsonl/.json; - is stdout); the terminal keeps the "
           "table")
        ->type_name("FILE");

    const std::map<std::string, ColorMode> colors{
        {"auto", ColorMode::automatic}, {"always", ColorMode::always}, {"never", ColorMode::never}};
    std::string color_text = "auto";
    app.add_option("--color", color_text, "colour in the table: auto (terminal, no NO_COLOR), always, never")
        ->check(CLI::IsMember(colors, CLI::ignore_case))
        ->type_name("WHEN")
        ->default_str("auto");

    auto* quiet = app.add_flag("-q,--quiet", options.quiet, "no summary on stderr");
    app.add_flag("--summary-only", options.summary_only,
                 "print only the summary on stdout (human; a JSON object with --format jsonl; a CSV row with "
                 "--format csv)")
        ->excludes(quiet);
    app.add_flag("--fail-on-leak", options.fail_on_leak, "exit with code 4 when the verdict is `leaking`");
    app.add_flag(
        "--huge-pages", options.huge_pages,
        "2 MiB-aligned blocks (size rounded up to 2 MiB) with madvise(MADV_HUGEPAGE): one page fault "
        "maps 2 MiB instead of 4 KiB (Linux, THP `always` or `madvise`; exit 1 if THP is off)");

    // Classroom: notes, allocator knobs, bars, chart, report (README "Classroom").
    app.add_flag("--explain", options.explain,
                 "explain what the allocator and the kernel did, from what was measured (notes in the table, "
                 "JSONL note records, or stderr with CSV)");
    std::uint64_t mmap_threshold = 0;
    auto* mmap_threshold_option =
        app.add_option(
               "--mmap-threshold", mmap_threshold,
               "mallopt(M_MMAP_THRESHOLD, SIZE): blocks of at least SIZE are mmap'd; also switches glibc's "
               "dynamic threshold off (0 to 32MiB)")
            ->transform(parsed_by(parse_mmap_threshold))
            ->type_name("SIZE");
    app.add_flag("--trim", options.trim,
                 "malloc_trim(0) after each free(): free mode gives memory back every time");
    const std::map<std::string, BarsMode> bars_modes{
        {"auto", BarsMode::automatic}, {"always", BarsMode::always}, {"never", BarsMode::never}};
    std::string bars_text = "auto";
    app.add_option(
           "--bars", bars_text,
           "a bar of current RSS (max RSS marked) on each table row: auto (on a terminal), always, never")
        ->check(CLI::IsMember(bars_modes, CLI::ignore_case))
        ->type_name("WHEN")
        ->default_str("auto");
    app.add_flag("--ascii", options.ascii, "bars and chart in plain ASCII instead of Unicode blocks");
    app.add_flag("--chart", options.chart, "at the end, plot RSS and max RSS against iteration on stderr");
    app.add_option(
           "--report", options.report_path,
           "at the end (also on Ctrl-C), write a self-contained HTML report: parameters, chart, summary, "
           "notes")
        ->type_name("FILE.html");
    // The memory guard (memory_guard.hpp). The text is parsed again after CLI11 so the request keeps its kind
    // (size or percentage); the check makes CLI11 name the flag in the error.
    std::string max_memory_text;
    auto* max_memory =
        app.add_option("--max-memory", max_memory_text,
                       "stop (exit 3) before leaked + held memory passes SIZE, or N% of available memory "
                       "(default: 50% of available memory, lowered by the cgroup limit and ulimit -v/-d)")
            ->check(CLI::Validator(
                [](std::string& input) -> std::string {
                    const auto request = parse_max_memory(input);
                    return request ? std::string{} : request.error();
                },
                std::string{}))
            ->type_name("SIZE|N%");
    bool no_guard = false;
    app.add_flag("--no-guard", no_guard,
                 "turn the memory guard off: a runaway leak then ends with malloc failing or the OOM killer")
        ->excludes(max_memory);
    // `leakdemo compare`: fallthrough, so every option above (and any added later) is accepted after
    // `compare` too and reaches the children through compare_child_arguments().
    auto* compare = app.add_subcommand(
        "compare",
        "run the same workload in two modes at once, each in its own child process, in one live table");
    compare->fallthrough();
    compare->footer(
        "Every leakdemo option (-b, -n, -i, --touch, --fill, --format, -o, --color, -q, --fail-on-leak)\n"
        "may also follow `compare`; see leakdemo --help.");
    std::string modes_text = "leak,free";
    compare->add_option("--modes", modes_text, "the two modes to compare, e.g. leak,free or leak,hold")
        ->check(CLI::Validator(
            [](std::string& input) -> std::string {
                const auto parsed = parse_compare_modes(input);
                return parsed ? std::string{} : parsed.error();
            },
            std::string{}))
        ->type_name("A,B")
        ->default_str("leak,free");

    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp&) {
        return InfoRequest{app.help()};
    } catch (const CLI::CallForAllHelp&) {
        return InfoRequest{app.help("", CLI::AppFormatMode::All)};
    } catch (const CLI::CallForVersion& version) {
        return InfoRequest{std::string(version.what()) + "\n"};
    } catch (const CLI::ParseError& error) {
        return UsageError{one_line(error.what())};
    }

    options.mode = modes.at(CLI::detail::to_lower(mode_text));
    options.touch = touches.at(CLI::detail::to_lower(touch_text));
    options.format = formats.at(CLI::detail::to_lower(format_text));
    options.color = colors.at(CLI::detail::to_lower(color_text));
    if (*iterations_option) {
        options.iterations = iterations;
    }
    options.interval = std::chrono::nanoseconds(interval_ns);
    options.fill = static_cast<unsigned char>(fill);
    options.bars = bars_modes.at(CLI::detail::to_lower(bars_text));
    if (*mmap_threshold_option) {
        options.mmap_threshold_bytes = mmap_threshold;
    }
    if (*max_memory) {
        options.guard = parse_max_memory(max_memory_text).value();
    }
    options.guard.enabled = !no_guard;

    if (!options.output_path.empty()) {
        if (options.output_path == "-") {
            options.output_format = options.format;
        } else if (*format_option) {
            options.output_format = options.format;
        } else {
            options.output_format = format_from_extension(options.output_path);
            if (options.output_format == Format::automatic) {
                // one_line: the path is the user's text and may hold a newline (found by fuzz_command_line).
                return UsageError{one_line(fmt::format(
                    "--output: cannot tell the format of '{}' from its extension; name it .csv or .jsonl, or "
                    "give --format",
                    options.output_path))};
            }
        }
    }
    if (options.report_path == "-") {
        return UsageError{"--report: needs a file name (the HTML report is not written to stdout)"};
    }
    if (options.summary_only && !options.output_path.empty()) {
        return UsageError{"--summary-only: cannot be combined with --output (it writes no samples)"};
    }
    if (compare->parsed()) {
        if (app.count("--mode") > 0) {
            return UsageError{"--mode: not used by compare; give the two modes with --modes A,B"};
        }
        if (options.summary_only) {
            return UsageError{"--summary-only: not available with compare"};
        }
        options.command = Command::compare;
        options.compare_modes = parse_compare_modes(modes_text).value();
    }
    return options;
}

}  // namespace leakdemo
