#include "output/table.hpp"

#include <algorithm>
#include <array>
#include <optional>

#include "output/human_summary.hpp"
#include "output/style.hpp"
#include "util/units.hpp"

namespace leakdemo {
namespace {

// A cell's text and its padding, one value so that fmt::styled colours both. Padded here rather than by a
// "{:>{}}" spec per cell, which made a table row half again as slow (BM_TableSinkDevNull).
struct PaddedCell {
    std::string_view text;
    std::size_t width = 0;
    Align align = Align::right;
};

}  // namespace
}  // namespace leakdemo

template <>
struct fmt::formatter<leakdemo::PaddedCell> {
    constexpr auto parse(fmt::format_parse_context& ctx) { return ctx.begin(); }
    template <typename Output>
    static Output write(const leakdemo::PaddedCell& cell, Output out) {
        const std::size_t used = leakdemo::display_width(cell.text);
        const std::size_t padding = cell.width > used ? cell.width - used : 0;
        if (cell.align == leakdemo::Align::right) {
            out = std::fill_n(out, padding, ' ');
        }
        out = std::copy(cell.text.begin(), cell.text.end(), out);
        if (cell.align == leakdemo::Align::left) {
            out = std::fill_n(out, padding, ' ');
        }
        return out;
    }
    template <typename Context>
    auto format(const leakdemo::PaddedCell& cell, Context& ctx) const {
        return write(cell, ctx.out());
    }
};

namespace leakdemo {

int shown_width(std::span<const Column> columns, ColumnMask shown) {
    int width = 0;
    int count = 0;
    for (std::size_t index = 0; index < columns.size(); ++index) {
        if (index >= 32 || ((shown >> index) & 1U) != 0) {
            width += std::max(columns[index].width, 0);
            ++count;
        }
    }
    return width + std::max(count - 1, 0);
}

ColumnMask fit_columns(std::span<const Column> columns, std::span<const std::size_t> drop_order, int width) {
    ColumnMask shown = all_columns;
    for (const std::size_t index : drop_order) {
        if (shown_width(columns, shown) <= width) {
            break;
        }
        shown &= ~(ColumnMask{1} << index);
    }
    return shown;
}

bool RowFormatter::next_column(const Column*& column) {
    const std::size_t index = m_next++;
    if (index < m_columns.size() && index < 32 && ((m_shown >> index) & 1U) == 0) {
        return false;
    }
    if (m_written++ > 0) {
        m_line.push_back(' ');
    }
    column = index < m_columns.size() ? &m_columns[index] : nullptr;
    return true;
}

RowFormatter& RowFormatter::put(std::string_view text, fmt::text_style style) {
    const Column* column = nullptr;
    if (!next_column(column)) {
        return *this;
    }
    const PaddedCell cell =
        column != nullptr
            ? PaddedCell{text, static_cast<std::size_t>(std::max(column->width, 0)), column->align}
            : PaddedCell{text};
    if (style.has_emphasis() || style.has_foreground() || style.has_background()) {
        fmt::format_to(std::back_inserter(m_line), "{}", fmt::styled(cell, style));
    } else {
        // Most cells: no need for fmt's formatting machinery, which costs more than the cell itself.
        fmt::formatter<PaddedCell>::write(cell, std::back_inserter(m_line));
    }
    return *this;
}

RowFormatter& RowFormatter::blank(std::size_t count) {
    for (std::size_t i = 0; i < count; ++i) {
        put({});
    }
    return *this;
}

fmt::memory_buffer& RowFormatter::open_cell() {
    const Column* column = nullptr;
    next_column(column);
    return m_line;
}

void end_line(fmt::memory_buffer& line, bool trim) {
    while (trim && line.size() > 0 && line[line.size() - 1] == ' ') {
        line.resize(line.size() - 1);
    }
    line.push_back('\n');
}

std::size_t display_width(std::string_view text) {
    return static_cast<std::size_t>(std::count_if(
        text.begin(), text.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

namespace {

// "4.0", "1,001", "+76.5", "(4.0": a figure, maybe signed or after an opening parenthesis.
bool is_figure(std::string_view word) {
    while (!word.empty() && (word.front() == '(' || word.front() == '+' || word.front() == '-')) {
        word.remove_prefix(1);
    }
    return !word.empty() && std::isdigit(static_cast<unsigned char>(word.back())) != 0 &&
           std::all_of(word.begin(), word.end(), [](char c) {
               return std::isdigit(static_cast<unsigned char>(c)) != 0 || c == '.' || c == ',';
           });
}

// "KiB", "MiB),", "s;": a unit of size or time, maybe followed by punctuation.
bool is_unit(std::string_view word) {
    while (!word.empty() && std::string_view(".,;:)!?").find(word.back()) != std::string_view::npos) {
        word.remove_suffix(1);
    }
    static constexpr std::array<std::string_view, 17> units = {"B",  "KiB", "MiB", "GiB", "TiB",   "KB",
                                                               "kB", "MB",  "GB",  "TB",  "bytes", "ns",
                                                               "µs", "ms",  "s",   "min", "h"};
    return std::find(units.begin(), units.end(), word) != units.end();
}

}  // namespace

std::string_view next_unbreakable_word(std::string_view text) {
    const std::size_t end = std::min(text.find(' '), text.size());
    const std::string_view word = text.substr(0, end);
    if (end == text.size() || !is_figure(word)) {
        return word;
    }
    // A figure and its unit stay together: "4.0 KiB" is one word.
    const std::string_view rest = text.substr(end + 1);
    const std::string_view unit = rest.substr(0, std::min(rest.find(' '), rest.size()));
    return is_unit(unit) ? text.substr(0, end + 1 + unit.size()) : word;
}

void append_note(fmt::memory_buffer& line, const NoteLayout& layout, std::string_view text) {
    auto out = std::back_inserter(line);
    fmt::format_to(out, "{:{}}{} ", "", layout.indent, layout.unicode ? "↳" : ">");
    if (layout.wrap_width == 0) {
        line.append(text);
        line.push_back('\n');
        return;
    }
    // Notes are prose: greedy word wrap, so a projected terminal shows them whole.
    const int text_column = layout.indent + 2;
    std::size_t line_width = static_cast<std::size_t>(text_column);
    bool line_has_word = false;
    while (!text.empty()) {
        const std::string_view word = next_unbreakable_word(text);
        text.remove_prefix(std::min(word.size() + 1, text.size()));
        const std::size_t word_width = display_width(word);
        if (line_has_word && line_width + 1 + word_width > layout.wrap_width) {
            fmt::format_to(out, "\n{:{}}", "", text_column);
            line_width = static_cast<std::size_t>(text_column);
            line_has_word = false;
        }
        if (line_has_word) {
            line.push_back(' ');
            ++line_width;
        }
        line.append(word);
        line_width += word_width;
        line_has_word = true;
    }
    line.push_back('\n');
}

std::uint64_t kept_bytes(const Record& record, Mode mode) {
    return mode == Mode::hold ? record.counters.outstanding_bytes : record.counters.leaked_bytes;
}

std::string_view kept_title(Mode mode) {
    return mode == Mode::hold ? "held" : "leaked";
}

std::string LiveBudgetEta::cell(const Record& record) {
    m_slope.add(static_cast<double>(record.elapsed_ns) / 1e9, static_cast<double>(record.sample.rss_bytes));
    if (!m_budget) {
        return "-";
    }
    const auto eta = seconds_to_budget(record.counters.outstanding_bytes, *m_budget, m_slope.slope());
    if (!eta) {
        return "-";
    }
    // Tenths below 10 s: a fast leak's "0 s" would read as "reached".
    if (*eta <= 0) {
        return "reached";
    }
    if (*eta < 10) {
        return fmt::format("{:.1f} s", *eta);
    }
    return *eta >= 86400 ? std::string("> 1 day") : format_eta_words(*eta);
}

namespace {

// iter, elapsed, leaked/held, rss, max rss, Δ rss, minor faults, to budget; on a narrow terminal the columns
// go in this order, so iteration and RSS (19 columns: the narrowest terminal) always stay.
constexpr std::array<Column, 8> table_columns{{{6}, {9}, {11}, {11}, {11}, {11}, {12}, {11}}};
constexpr std::array<std::size_t, 6> table_drop_order{7, 6, 1, 5, 4, 2};
constexpr ColumnMask without_eta = ~(ColumnMask{1} << 7);

class TableSink final : public Sink {
  public:
    TableSink(LineWriter& out, const TerminalCaps& caps, Mode mode, std::optional<std::uint64_t> budget_bytes)
        : m_out(out), m_caps(caps), m_mode(mode), m_eta(budget_bytes) {
        lay_out();
    }

    void record(const Record& record) override {
        m_line.clear();
        if (refresh_width(m_caps, m_resizes_seen)) {
            lay_out();
        }
        if (!m_header_written) {
            append_header();
            m_header_written = true;
        }
        const std::uint64_t kept = kept_bytes(record, m_mode);
        RowFormatter row(m_line, table_columns, m_shown);
        row.cell("{}", record.iteration).cell("{:.2f}s", static_cast<double>(record.elapsed_ns) / 1e9);
        row.put(format_bytes(kept), kept > 0 ? growth_style(m_caps.color) : fmt::text_style{});
        row.put(format_bytes(record.sample.rss_bytes)).put(format_bytes(record.sample.maxrss_bytes));
        if (m_previous_rss) {
            const auto delta = static_cast<std::int64_t>(record.sample.rss_bytes) -
                               static_cast<std::int64_t>(*m_previous_rss);
            const fmt::text_style style = delta > 0   ? growth_style(m_caps.color)
                                          : delta < 0 ? release_style(m_caps.color)
                                                      : fmt::text_style{};
            row.put(format_signed_bytes(delta), style);
        } else {
            row.put(m_caps.unicode ? "—" : "-");
        }
        row.cell("{}", record.sample.minor_faults);
        const std::string eta = m_eta.cell(record);  // every record counts, shown or not
        if (m_eta.shown()) {
            row.put(eta);
        }
        end_line(m_line);
        m_previous_rss = record.sample.rss_bytes;
        m_out.write_line(m_line);
    }

    void note(Mode /*mode*/, std::uint64_t /*iteration*/, const std::string& text) override {
        m_line.clear();
        if (refresh_width(m_caps, m_resizes_seen)) {
            lay_out();
        }
        // Wrapped to the terminal; in a pipe a note stays one line, so grep finds it whole.
        const std::size_t wrap = m_caps.is_tty ? static_cast<std::size_t>(std::max(m_caps.width - 1, 1)) : 0;
        append_note(m_line, NoteLayout{7, m_caps.unicode, wrap}, text);
        m_out.write_line(m_line);
    }

  private:
    // The columns that fit the terminal, one column left free (a terminal that wraps at its last column
    // would break every row); new columns get a new header.
    void lay_out() {
        // Without a budget there is no eighth column to fit.
        const std::span<const Column> columns = std::span(table_columns).first(m_eta.shown() ? 8 : 7);
        const std::span<const std::size_t> order = std::span(table_drop_order).subspan(m_eta.shown() ? 0 : 1);
        const ColumnMask shown =
            fit_columns(columns, order, m_caps.width - 1) & (m_eta.shown() ? all_columns : without_eta);
        m_header_written = m_header_written && shown == m_shown;
        m_shown = shown;
    }

    void append_header() {
        fmt::memory_buffer header;  // once per run and per layout
        RowFormatter titles(header, table_columns, m_shown);
        titles.put("iter")
            .put("elapsed")
            .put(kept_title(m_mode))
            .put("rss")
            .put("max rss")
            .put(m_caps.unicode ? "Δ rss" : "d rss")
            .put("minor faults");
        if (m_eta.shown()) {
            titles.put(budget_eta_title);
        }
        append_styled(m_line, std::string_view(header.data(), header.size()), heading_style(m_caps.color));
        end_line(m_line);
    }

    LineWriter& m_out;
    TerminalCaps m_caps;
    Mode m_mode;
    ColumnMask m_shown = all_columns;
    int m_resizes_seen = 0;
    fmt::memory_buffer m_line;
    bool m_header_written = false;
    std::optional<std::uint64_t> m_previous_rss;
    LiveBudgetEta m_eta;
};

}  // namespace

std::unique_ptr<Sink> make_table_sink(LineWriter& out, const TerminalCaps& caps, Mode mode,
                                      std::optional<std::uint64_t> budget_bytes) {
    return std::make_unique<TableSink>(out, caps, mode, budget_bytes);
}

}  // namespace leakdemo
