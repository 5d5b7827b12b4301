#pragma once

// Step (b) of reading the command line: the texts CLI11 collected (RawOptions) become typed Options. No
// CLI11 here, so tests call these directly. The declaration (cli.cpp) checks each option's text with the
// same parser while CLI11 parses, so a bad value is reported with CLI11's "--flag: reason" and in CLI11's
// order, and the conversion after it cannot disagree.
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "cli/options.hpp"
#include "util/enum_names.hpp"
#include "util/expected.hpp"

namespace leakdemo {

// The command line as given: each option's text, empty when it was not given (every option that is
// converted rejects an empty text, so empty can only mean "left out"), and the flags.
struct RawOptions {
    std::string mode;
    std::string block_size;
    std::string iterations;
    std::string interval;
    std::string touch;
    std::string fill;
    std::string format;
    std::string output_path;
    std::string color;
    std::string mmap_threshold;
    std::string bars;
    std::string report_path;
    std::string max_memory;
    std::string compare_modes;
    std::string step_fd;  // hidden: compare's children only
    std::string progress;
    std::string completions;  // --completions SHELL: print the script, run nothing
    std::string threads;
    bool quiet = false;
    bool summary_only = false;
    bool fail_on_leak = false;
    bool huge_pages = false;
    bool explain = false;
    bool trim = false;
    bool ascii = false;
    bool chart = false;
    bool no_guard = false;
    bool compare = false;     // the `compare` subcommand was given
    bool live = false;        // the `live` subcommand was given
    bool no_explain = false;  // live: --no-explain
    // `leakdemo watch`
    bool watch = false;
    std::vector<std::string> watch_command;
    std::string watch_pid;
    std::string watch_duration;
    std::string command_output;
    std::string metric;
    std::string warmup;
    std::string leak_rate;
    std::string pss_interval;
    bool no_children = false;
    bool kill_on_budget = false;
    // `leakdemo check` and `leakdemo scenarios`
    bool check = false;
    bool scenarios = false;
    std::string check_with;
    std::string valgrind_path;
    std::string check_timeout;
    // Every top-level option given, as "-n/--iterations" (its short and long names; for the refusals).
    std::vector<std::string> given_options;
};

// --leak-rate: a size per unit of time, "1MiB/min", "100KiB/s", "2GB/h", in bytes per second (> 0).
Expected<double> parse_rate(std::string_view text);
// --pid: a process that exists now (kill(pid, 0) succeeds or is refused with EPERM).
Expected<std::uint64_t> parse_pid(std::string_view text);

// Every option's text, parsed. Messages complete "--flag: ...".
Expected<std::uint64_t> parse_block_size(std::string_view text);
// 0..255 in decimal or 0x00..0xff; -1 means 0xff as in the article's memset(ptr, -1, ...).
Expected<unsigned char> parse_fill(std::string_view text);
Expected<std::uint64_t> parse_mmap_threshold(std::string_view text);
// "--modes A,B": two distinct modes, any of --mode's (any case).
Expected<std::array<Mode, 2>> parse_compare_modes(std::string_view text);

// --threads: arena mode's worker threads, 1 to 64.
Expected<std::uint64_t> parse_threads(std::string_view text);
// -o FILE without --format: .csv, .jsonl or .json; anything else is Format::automatic (unknown).
Format format_from_extension(const std::string& path);

// A message on one line: a user's text (a path) may hold a newline (found by fuzz_command_line).
std::string one_line(std::string text);

// An enum option's choices as --help and its error show them, from the enum's one name table:
// "{free,hold,leak}" (sorted, as CLI11's IsMember printed them before).
template <NamedEnum E>
std::string enum_choices() {
    std::array<std::string_view, enum_names<E>.size()> names{};
    std::transform(enum_names<E>.begin(), enum_names<E>.end(), names.begin(),
                   [](const auto& entry) { return entry.second; });
    std::sort(names.begin(), names.end());
    std::string choices = "{";
    for (const std::string_view name : names) {
        choices += choices.size() > 1 ? "," : "";
        choices += name;
    }
    return choices + "}";
}

// An enum option's text, in any case: "FREE" is Mode::free; otherwise "bogus not in {free,hold,leak}".
template <NamedEnum E>
Expected<E> parse_enum(std::string_view text) {
    std::string lower(text);
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (const auto value = enum_from_name<E>(lower)) {
        return Expected<E>::ok(*value);
    }
    return Expected<E>::fail(fmt::format("{} not in {}", text, enum_choices<E>()));
}

// All of the above at once: the Options the texts ask for (defaults where a text is empty), or the first
// message, with its flag ("--output: cannot tell the format of ...").
Expected<Options> convert_options(const RawOptions& raw);

}  // namespace leakdemo
