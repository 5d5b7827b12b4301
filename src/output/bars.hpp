#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "measure/sink.hpp"
#include "measure/workload.hpp"
#include "output/output.hpp"
#include "output/terminal.hpp"
#include "util/enum_names.hpp"

namespace leakdemo {

// --bars: auto draws them when the table goes to a terminal; always whenever the table is printed (the
// width then comes from COLUMNS, the terminal, or 80); never.
enum class BarsMode { automatic, always, never };
template <>
inline constexpr auto enum_names<BarsMode> = std::to_array<std::pair<BarsMode, std::string_view>>(
    {{BarsMode::automatic, "auto"}, {BarsMode::always, "always"}, {BarsMode::never, "never"}});

// Text that fits `cells` columns: `value` / `scale` of it filled (Unicode blocks in eighths, or '#'), and a
// marker ('┃' or '|') at `mark` (max RSS), never inside the filled part. Trailing space is left out.
std::string render_bar(std::uint64_t value, std::uint64_t mark, std::uint64_t scale, int cells, bool unicode);

// Columns a string takes on a terminal: its UTF-8 code points (everything leakdemo prints is one cell wide).
std::size_t display_width(std::string_view text);

// The smallest power of two >= bytes (at least 1 MiB): a bar scale that reads well ("full bar = 64 MiB").
std::uint64_t bar_scale_for(std::uint64_t bytes);

// The table with a bar per row proportional to current RSS, max RSS marked on it, every line at most
// caps.width - 1 columns (notes are word-wrapped). The scale starts at bar_scale_for(expected_peak_bytes)
// and doubles when a row would not fit; a line announces each new scale.
std::unique_ptr<Sink> make_bar_table_sink(LineWriter& out, const TerminalCaps& caps, Mode mode,
                                          std::uint64_t expected_peak_bytes);

}  // namespace leakdemo
