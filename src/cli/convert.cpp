#include "cli/convert.hpp"

#include <fmt/format.h>
#include <signal.h>

#include <algorithm>
#include <cerrno>
#include <utility>
#include <vector>

#include "measure/memory_guard.hpp"
#include "util/units.hpp"

namespace leakdemo {

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

Expected<unsigned char> parse_fill(std::string_view text) {
    if (text == "-1") {
        return Expected<unsigned char>::ok(0xFF);
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
        return Expected<unsigned char>::fail(
            fmt::format("'{}' is not a byte (0-255, 0x00-0xff, or -1 for 0xff)", text));
    }
    return Expected<unsigned char>::ok(static_cast<unsigned char>(value));
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
        const auto mode = parse_enum<Mode>(names[side]);
        if (!mode) {
            return Result::fail(fmt::format("'{}' is not a mode ({})", names[side], enum_name_list<Mode>()));
        }
        modes[side] = *mode;
    }
    if (modes[0] == modes[1]) {
        return Result::fail(fmt::format("'{}' names the same mode twice; give two different modes", text));
    }
    return Result::ok(modes);
}

Expected<std::uint64_t> parse_threads(std::string_view text) {
    const auto digits = text.find_first_not_of(" \t");
    if (digits != std::string_view::npos &&
        text.find_first_not_of("0 \t", digits) == std::string_view::npos) {
        // parse_count's own word for 0 is about -n ("leave it out to run until stopped").
        return Expected<std::uint64_t>::fail(
            fmt::format("'{}' is out of range: give 1 to {} threads", text, max_threads));
    }
    auto count = parse_count(text);
    if (count && (count.value() < 1 || count.value() > max_threads)) {
        return Expected<std::uint64_t>::fail(
            fmt::format("'{}' is out of range: give 1 to {} threads", text, max_threads));
    }
    return count;
}

Expected<double> parse_rate(std::string_view text) {
    using Result = Expected<double>;
    const auto slash = text.rfind('/');
    if (slash == std::string_view::npos) {
        return Result::fail(fmt::format("'{}' has no time unit; e.g. 1MiB/min or 100KiB/s", text));
    }
    const std::string_view unit = text.substr(slash + 1);
    double seconds = 0;
    if (unit == "s") {
        seconds = 1;
    } else if (unit == "min" || unit == "m") {
        seconds = 60;
    } else if (unit == "h") {
        seconds = 3600;
    } else {
        return Result::fail(fmt::format("'{}': the time unit is s, min or h (e.g. 1MiB/min)", text));
    }
    const auto size = parse_size(text.substr(0, slash));
    if (!size) {
        return Result::fail(size.error());
    }
    if (*size == 0) {
        return Result::fail(fmt::format("'{}' must be more than 0", text));
    }
    return Result::ok(static_cast<double>(*size) / seconds);
}

Expected<std::uint64_t> parse_pid(std::string_view text) {
    using Result = Expected<std::uint64_t>;
    const auto pid = parse_count(text);
    if (!pid || *pid == 0 || *pid > 4194304) {  // PID_MAX_LIMIT on 64-bit Linux
        return Result::fail(fmt::format("'{}' is not a process ID", text));
    }
    if (::kill(static_cast<pid_t>(*pid), 0) != 0 && errno != EPERM) {
        return Result::fail(fmt::format("no process {} (it has exited, or never existed)", *pid));
    }
    return pid;
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

namespace {

// Converts the texts one by one into their fields. An empty text was left out: the field keeps its
// default. The first failure is kept with its flag, and later texts are not looked at.
class Converter {
  public:
    template <typename Parser, typename Field>
    void convert(std::string_view flag, const std::string& text, Parser parser, Field& field) {
        if (!m_error.empty() || text.empty()) {
            return;
        }
        auto parsed = parser(text);
        if (!parsed) {
            m_error = fmt::format("{}: {}", flag, parsed.error());
            return;
        }
        field = std::move(parsed).value();
    }
    const std::string& error() const { return m_error; }

  private:
    std::string m_error;
};

// -o FILE: the format is --format's when given (or for "-o -", which is stdout), else the extension's.
Status resolve_output_format(const RawOptions& raw, Options& options) {
    if (options.output_path.empty()) {
        return success();
    }
    if (options.output_path == "-" || !raw.format.empty()) {
        options.output_format = options.format;
        return success();
    }
    options.output_format = format_from_extension(options.output_path);
    if (options.output_format == Format::automatic) {
        return Status::fail(one_line(fmt::format(
            "--output: cannot tell the format of '{}' from its extension; name it .csv or .jsonl, "
            "or give --format",
            options.output_path)));
    }
    return success();
}

// The options that are taken as given: flags and paths.
void copy_flags(const RawOptions& raw, Options& options) {
    options.output_path = raw.output_path;
    options.report_path = raw.report_path;
    options.quiet = raw.quiet;
    options.summary_only = raw.summary_only;
    options.fail_on_leak = raw.fail_on_leak;
    options.huge_pages = raw.huge_pages;
    options.explain = raw.live ? !raw.no_explain : raw.explain;  // live explains unless told not to
    options.trim = raw.trim;
    options.ascii = raw.ascii;
    options.chart = raw.chart;
    options.fill_given = !raw.fill.empty();
    options.threads_given = !raw.threads.empty();
    options.command = raw.compare     ? Command::compare
                      : raw.watch     ? Command::watch
                      : raw.check     ? Command::check
                      : raw.scenarios ? Command::scenarios
                      : raw.live      ? Command::live
                                      : Command::run;
    options.check.valgrind_path = raw.valgrind_path;
    // check's defaults: a short run, fast even under valgrind (CheckSettings).
    if (raw.check) {
        options.iterations = raw.iterations.empty() ? std::optional(default_check_iterations) : std::nullopt;
        options.interval = raw.interval.empty() ? std::chrono::nanoseconds(0) : options.interval;
        options.block_bytes = raw.block_size.empty() ? default_check_block_bytes : options.block_bytes;
    }
    options.watch.command = raw.watch_command;
    options.watch.include_children = !raw.no_children;
    options.watch.kill_on_budget = raw.kill_on_budget;
    if (!raw.command_output.empty()) {
        options.watch.command_output = raw.command_output;
    }
    if (raw.watch && raw.interval.empty()) {
        options.interval = default_watch_interval;
    }
    if (raw.live && raw.interval.empty()) {
        options.interval = default_live_interval;
    }
}

// `leakdemo watch`'s own options.
void convert_watch(const RawOptions& raw, Options& options, Converter& converter) {
    converter.convert("--pid", raw.watch_pid, parse_pid, options.watch.pid);
    converter.convert("--duration", raw.watch_duration, parse_duration, options.watch.duration);
    converter.convert("--metric", raw.metric, parse_enum<Metric>, options.watch.metric);
    converter.convert("--warmup", raw.warmup, parse_duration, options.watch.warmup);
    converter.convert("--leak-rate", raw.leak_rate, parse_rate, options.watch.leak_rate_bytes_per_s);
    converter.convert("--pss-interval", raw.pss_interval, parse_duration, options.watch.pss_interval);
    converter.convert("--with", raw.check_with, parse_enum<CheckerChoice>, options.check.with);
    converter.convert("--timeout", raw.check_timeout, parse_duration, options.check.timeout);
}

// --huge-pages rounds the blocks of leak, free and hold only: the zoo's modes allocate their own shapes
// (chunks, nodes, maps, mappings), so the flag would be ignored there while the warning says it rounds.
// compare checks each of its modes; live checks the mode it starts in (docs/live.md).
Status check_huge_pages_mode(const Options& options) {
    if (!options.huge_pages || options.command == Command::watch) {
        return success();
    }
    const auto rounds = [](Mode mode) {
        return mode == Mode::leak || mode == Mode::free || mode == Mode::hold;
    };
    const std::vector<Mode> modes =
        options.command == Command::compare
            ? std::vector<Mode>(options.compare_modes.begin(), options.compare_modes.end())
            : std::vector<Mode>{options.mode};
    for (const Mode mode : modes) {
        if (!rounds(mode)) {
            return Status::fail(fmt::format(
                "--huge-pages: only leak, free and hold round their blocks to 2 MiB; {} mode does not",
                to_string(mode)));
        }
    }
    return success();
}

}  // namespace

Expected<Options> convert_options(const RawOptions& raw) {
    Options options;
    copy_flags(raw, options);
    Converter converter;
    converter.convert("--mode", raw.mode, parse_enum<Mode>, options.mode);
    converter.convert("--block-size", raw.block_size, parse_block_size, options.block_bytes);
    converter.convert("--iterations", raw.iterations, parse_count, options.iterations);
    converter.convert("--interval", raw.interval, parse_duration, options.interval);
    converter.convert("--touch", raw.touch, parse_enum<Touch>, options.touch);
    converter.convert("--fill", raw.fill, parse_fill, options.fill);
    converter.convert("--format", raw.format, parse_enum<Format>, options.format);
    converter.convert("--color", raw.color, parse_enum<ColorMode>, options.color);
    converter.convert("--mmap-threshold", raw.mmap_threshold, parse_mmap_threshold,
                      options.mmap_threshold_bytes);
    converter.convert("--bars", raw.bars, parse_enum<BarsMode>, options.bars);
    converter.convert("--progress", raw.progress, parse_enum<ProgressMode>, options.progress);
    converter.convert("--max-memory", raw.max_memory, parse_max_memory, options.guard);
    converter.convert("--modes", raw.compare_modes, parse_compare_modes, options.compare_modes);
    converter.convert("--step-fd", raw.step_fd, parse_count, options.step_fd);
    converter.convert("--threads", raw.threads, parse_threads, options.threads);
    convert_watch(raw, options, converter);
    if (!converter.error().empty()) {
        return Expected<Options>::fail(converter.error());
    }
    if (raw.check && options.iterations && *options.iterations > max_check_iterations) {
        return Expected<Options>::fail(
            fmt::format("--iterations: check runs at most {} (the expected figures grow linearly with -n, "
                        "so more proves nothing; valgrind is 20-50x slower)",
                        max_check_iterations));
    }
    if (!raw.check_timeout.empty() && options.check.timeout.count() == 0) {
        return Expected<Options>::fail("--timeout: give a time above 0 (e.g. 30s)");
    }
    // The pauses alone would outlast the time limit: say so now, not after --timeout has passed.
    if (raw.check && options.iterations && options.interval.count() > 0 &&
        *options.iterations >= static_cast<std::uint64_t>(options.check.timeout / options.interval)) {
        return Expected<Options>::fail(fmt::format(
            "--timeout: {} iterations {} apart take longer than --timeout {}; give a smaller -n "
            "or -i, or a longer --timeout",
            *options.iterations, format_duration(options.interval), format_duration(options.check.timeout)));
    }
    options.guard.enabled = !raw.no_guard;
    // watch reads /proc for a whole tree each sample: 10ms is the fastest pace it keeps to.
    if (raw.watch && options.interval < std::chrono::milliseconds(10)) {
        return Expected<Options>::fail("--interval: watch samples at most every 10ms (10ms to 24h)");
    }
    // interior keeps a pointer to the middle of each block: a 1-byte block's middle is its start.
    const bool interior = options.command == Command::compare
                              ? std::find(options.compare_modes.begin(), options.compare_modes.end(),
                                          Mode::interior) != options.compare_modes.end()
                              : options.mode == Mode::interior;
    if (interior && options.block_bytes < 2) {
        return Expected<Options>::fail(
            "--block-size: interior mode needs at least 2 bytes (the middle of a 1-byte block is its start)");
    }
    if (const Status huge_pages = check_huge_pages_mode(options); !huge_pages) {
        return Expected<Options>::fail(huge_pages.error());
    }
    // live's + and - keys keep the interval between 10ms and 10s; the command line starts it there too.
    if (raw.live &&
        (options.interval < std::chrono::milliseconds(10) || options.interval > std::chrono::seconds(10))) {
        return Expected<Options>::fail(
            "--interval: live paces from 10ms to 10s (its + and - keys keep it there)");
    }
    if (const Status output = resolve_output_format(raw, options); !output) {
        return Expected<Options>::fail(output.error());
    }
    return Expected<Options>::ok(std::move(options));
}

}  // namespace leakdemo
