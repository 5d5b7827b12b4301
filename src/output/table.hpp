#pragma once

// The one table renderer behind every human view: the single run's table (below; with bars: bars.hpp) and
// compare's side-by-side table (compare/compare_view.cpp). A layout is a list of columns; RowFormatter
// writes a row's cells into the view's reused line buffer, padded by display width (code points, so
// "Δ rss" lines up) and styled with fmt::styled (style.hpp); append_note puts an --explain note under its
// row. The single run's table runs inside the measured process: once the line buffer has grown to a
// line, a row allocates nothing (cells are formatted on the stack; format_bytes fits std::string's
// in-object buffer).
#include <fmt/color.h>
#include <fmt/format.h>

#include <cstddef>
#include <cstdint>
#include <iterator>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>

#include "measure/record.hpp"
#include "measure/sink.hpp"
#include "measure/summary.hpp"
#include "measure/workload.hpp"
#include "output/output.hpp"
#include "output/terminal.hpp"

namespace leakdemo {

enum class Align { left, right };

struct Column {
    int width = 0;
    Align align = Align::right;
};

// Which columns of a layout a view shows (bit i: column i), so a narrow terminal drops some.
using ColumnMask = std::uint32_t;
inline constexpr ColumnMask all_columns = ~ColumnMask{0};

// Columns the shown ones take, with one blank between them.
int shown_width(std::span<const Column> columns, ColumnMask shown = all_columns);

// The columns that fit in `width`: all, or fewer, hiding them in `drop_order` (column indices, the least
// important first) until the rest fits; when even that does not fit, what is left of them.
ColumnMask fit_columns(std::span<const Column> columns, std::span<const std::size_t> drop_order, int width);

// One row of a layout, appended to `line`: each shown cell padded to its column, one blank between cells;
// a hidden column's cell is left out, blank and all. Cells past the last column are shown, not padded.
class RowFormatter {
  public:
    RowFormatter(fmt::memory_buffer& line, std::span<const Column> columns, ColumnMask shown = all_columns)
        : m_line(line), m_columns(columns), m_shown(shown) {}

    // The next cell: `text`, padded to its column, in `style` (padding included, as fmt::styled does).
    RowFormatter& put(std::string_view text, fmt::text_style style = {});
    // The next cell from fmt's `format` and `args`, formatted on the stack first.
    template <typename... Args>
    RowFormatter& cell(fmt::format_string<Args...> format, Args&&... args) {
        fmt::basic_memory_buffer<char, 64> text;
        fmt::format_to(std::back_inserter(text), format, std::forward<Args>(args)...);
        return put(std::string_view(text.data(), text.size()));
    }
    // `count` empty cells: what follows starts where it does on the other rows.
    RowFormatter& blank(std::size_t count);
    // The next cell, written by the caller (a bar, a title): the blank before it is written, no padding.
    // Only for a shown column (or one past the last).
    fmt::memory_buffer& open_cell();

  private:
    // The next cell's column, after its blank; false (nothing written) when the column is hidden.
    bool next_column(const Column*& column);

    fmt::memory_buffer& m_line;
    std::span<const Column> m_columns;
    ColumnMask m_shown;
    std::size_t m_next = 0;
    std::size_t m_written = 0;
};

// Ends a line: '\n', after removing the blanks at its end when `trim` (a bar's unused cells).
void end_line(fmt::memory_buffer& line, bool trim = false);

// Columns a string takes on a terminal: its UTF-8 code points (everything leakdemo prints is one cell wide).
std::size_t display_width(std::string_view text);

// Where an --explain note goes under its row: `indent` blanks, an arrow ("↳", or ">" without Unicode), a
// blank and the text, wrapped at blanks to `wrap_width` columns (0: never), every further line indented to
// where the text began. Each line is appended with its '\n'.
struct NoteLayout {
    int indent = 7;
    bool unicode = true;
    std::size_t wrap_width = 0;
};
// A figure and its unit never wrap apart: "4.0 KiB", "1,001 B", "2.5 s" are one word.
void append_note(fmt::memory_buffer& line, const NoteLayout& layout, std::string_view text);
// The first word of `text` for the wrapper: up to the first blank, or a figure with its unit (B, KiB, MiB,
// GiB, TiB, KB, MB, GB, TB, bytes, ns, µs, ms, s, min, h; trailing punctuation allowed) taken together.
std::string_view next_unbreakable_word(std::string_view text);

// What the mode keeps: unreachable bytes, or the held ones for hold mode; and that column's title.
std::uint64_t kept_bytes(const Record& record, Mode mode);
std::string_view kept_title(Mode mode);

// The live tables' "to budget" column: the run summary's time to the limit (measure/summary.hpp) over the
// records so far, so the last row says what the summary will: the bytes kept (outstanding) against the
// guard's budget at the least-squares RSS growth per second. O(1) memory, as the summary.
class LiveBudgetEta {
  public:
    explicit LiveBudgetEta(std::optional<std::uint64_t> budget_bytes) : m_budget(budget_bytes) {}
    // Without a guard there is no budget and no column.
    bool shown() const { return m_budget.has_value(); }
    // Adds `record`; its cell: "-" while RSS is not growing, "reached", "0.3 s" (tenths below 10 s),
    // "3 min 20 s", or "> 1 day".
    std::string cell(const Record& record);

  private:
    std::optional<std::uint64_t> m_budget;
    SlopeAccumulator m_slope;
};
inline constexpr std::string_view budget_eta_title = "to budget";

// The single run's table: iteration, elapsed, kept, RSS, max RSS, the change of RSS (red up, green down),
// minor faults and, with a budget, the time to it; notes under their row (word-wrapped on a terminal; one
// line in a pipe, for grep). It follows the terminal's width, also after a resize (terminal.hpp): a narrow
// one drops the time to the budget, minor faults, then elapsed, Δ rss, max rss and the kept bytes, and the
// header is printed again when the columns change.
std::unique_ptr<Sink> make_table_sink(LineWriter& out, const TerminalCaps& caps, Mode mode,
                                      std::optional<std::uint64_t> budget_bytes = std::nullopt);

}  // namespace leakdemo
