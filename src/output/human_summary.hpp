#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include "measure/summary.hpp"

namespace leakdemo {

// RSS at the start and end of a run and its growth, worded so the rounded figures add up: start and end are
// rounded first, in the unit of the larger one, and the growth is the difference of the rounded figures
// (4.0 MiB -> 7.9 MiB is +3.9 MiB, never +4.0 MiB).
struct RssChangeText {
    std::string start;
    std::string end;
    std::string growth;
};
RssChangeText format_rss_change(std::uint64_t start_bytes, std::uint64_t end_bytes);

// How RSS moved, in words that match what was measured: the slope per iteration while it keeps growing
// (a leak), else when it stopped rising ("rose to 7.9 MiB by iteration 2, then flat").
std::string describe_rss_shape(const Summary& summary);

// One mode of a `leakdemo live` session: the iterations it ran and the bytes it still holds (outstanding -
// leaked: hold's blocks, cache's map entries, fragment's kept chunks ...).
struct ModeUse {
    Mode mode = Mode::leak;
    std::uint64_t iterations = 0;
    std::uint64_t held_bytes = 0;
};

// The summary for people, several lines, for stderr (or stdout with --summary-only); the verdict in red
// or green when `color`. `session`: a live session's modes in the order first used; the first line then
// names each with its iterations ("live session: leak 23, free 200 iterations of 4.0 MiB") and the held
// line says what each kind holds, instead of naming only the last sample's mode.
std::string format_human_summary(const Summary& summary, bool color, std::span<const ModeUse> session = {});

// The summary's lines on what the leak checkers should report at exit (Summary::expected): one line of
// valgrind's categories, exact bytes, and one of mmap'd memory no checker sees; nothing when all are 0.
std::string format_expected_lines(const LeakClassification& expected);

// A time to the limit in words (format_duration_words): "45 s", "3 min 20 s", "2 h 5 min", and "more than
// a day" beyond: a rate measured over a demo says nothing about next week. The summary, live's header and
// watch use it.
std::string format_eta_words(double seconds);

// The summary's line for the time to the limit: "  budget       1.0 GiB; at this rate it is reached in
// 3 min 20 s\n", "... RSS is not growing\n", or nothing without a budget.
std::string format_budget_line(std::optional<std::uint64_t> budget_bytes, std::optional<double> eta_s);

}  // namespace leakdemo
