#pragma once

#include <fmt/color.h>
#include <fmt/format.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "measure/sink.hpp"
#include "measure/workload.hpp"
#include "output/output.hpp"
#include "output/table.hpp"
#include "output/terminal.hpp"
#include "util/enum_names.hpp"

namespace leakdemo {

// --bars: auto draws them when the table goes to a terminal; always whenever the table is printed (the
// width then comes from COLUMNS, the terminal, or 80); never.
enum class BarsMode { automatic, always, never };
template <>
inline constexpr auto enum_names<BarsMode> = std::to_array<std::pair<BarsMode, std::string_view>>(
    {{BarsMode::automatic, "auto"}, {BarsMode::always, "always"}, {BarsMode::never, "never"}});

// How append_bar draws: the single run's bar (rounded down, so it never shows more than was measured,
// with a max-RSS marker) or compare's (rounded to the nearest eighth, framed in '|', coloured per mode).
struct BarStyle {
    int cells = 0;
    bool unicode = true;              // eighths of a cell in Unicode blocks, else '#'
    bool round_to_nearest = false;    // false: rounded down
    bool framed = false;              // '|' fill, blanks up to `cells`, '|'
    fmt::text_style fill_style = {};  // the filled part (style.hpp; empty without colour)
};

// The one bar renderer: appends a bar `fill` (0..1) of `style.cells` filled and, when `mark` (0..1) is
// given, a marker ('┃' or '|') at it, never inside the filled part (left out when no cell is left). An
// unframed bar has no trailing blanks. At most style.cells columns (+2 framed).
void append_bar(fmt::memory_buffer& out, double fill, std::optional<double> mark, const BarStyle& style);

// `value` of `scale` as a bar's fill, at most 1.
double bar_fraction(std::uint64_t value, std::uint64_t scale);

// The single run's bar as text: `value` / `scale` filled, max RSS `mark` marked (append_bar).
std::string render_bar(std::uint64_t value, std::uint64_t mark, std::uint64_t scale, int cells, bool unicode);

// The smallest power of two >= bytes (at least 1 MiB): a bar scale that reads well ("full bar = 64 MiB").
std::uint64_t bar_scale_for(std::uint64_t bytes);

// The table with a bar per row proportional to current RSS, max RSS marked on it, every line at most
// caps.width - 1 columns (notes are word-wrapped), laid out again when the terminal is resized. The
// scale starts at bar_scale_for(expected_peak_bytes) and doubles when a row would not fit; a line
// announces each new scale. Narrower than 41 columns there is no bar (and no scale line), narrower than
// 32 no max RSS either: iteration and RSS fit the narrowest terminal (min_terminal_width). With a budget
// the wide layout shows the time to it ("to budget", table.hpp's LiveBudgetEta) where the bar keeps room for
// its full title (from about 100 columns).
std::unique_ptr<Sink> make_bar_table_sink(LineWriter& out, const TerminalCaps& caps, Mode mode,
                                          std::uint64_t expected_peak_bytes,
                                          std::optional<std::uint64_t> budget_bytes = std::nullopt);

}  // namespace leakdemo
