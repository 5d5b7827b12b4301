#include "output/bars.hpp"

#include <algorithm>
#include <array>
#include <iterator>
#include <span>

#include "output/style.hpp"
#include "util/units.hpp"

namespace leakdemo {
namespace {

// The filled part of a bar, a value of its own so fmt::styled can colour it as a whole.
struct BarFill {
    std::uint64_t full_cells = 0;
    std::uint64_t partial_eighths = 0;  // Unicode only: the last, partly filled cell
    bool unicode = true;
};

}  // namespace
}  // namespace leakdemo

template <>
struct fmt::formatter<leakdemo::BarFill> {
    constexpr auto parse(fmt::format_parse_context& ctx) { return ctx.begin(); }
    template <typename Context>
    auto format(const leakdemo::BarFill& fill, Context& ctx) const {
        // U+2589..U+258F: seven eighths down to one eighth of a cell.
        static constexpr std::string_view eighths[] = {"", "▏", "▎", "▍", "▌", "▋", "▊", "▉"};
        const std::string_view full = fill.unicode ? "█" : "#";
        auto out = ctx.out();
        for (std::uint64_t i = 0; i < fill.full_cells; ++i) {
            out = std::copy(full.begin(), full.end(), out);
        }
        const std::string_view partial = eighths[fill.partial_eighths % 8];
        return std::copy(partial.begin(), partial.end(), out);
    }
};

namespace leakdemo {

void append_bar(fmt::memory_buffer& out, double fill, std::optional<double> mark, const BarStyle& style) {
    if (style.cells <= 0) {
        return;
    }
    const auto total = static_cast<std::uint64_t>(style.cells);
    // The fill in eighths of a cell, never past the end.
    const double exact = fill * static_cast<double>(total * 8);
    const auto eighths =
        std::min(static_cast<std::uint64_t>(style.round_to_nearest ? exact + 0.5 : exact), total * 8);
    BarFill glyphs{eighths / 8, 0, style.unicode};
    std::uint64_t used = glyphs.full_cells;
    if (style.unicode && eighths % 8 != 0) {
        glyphs.partial_eighths = eighths % 8;
        ++used;
    } else if (!style.unicode && style.round_to_nearest) {
        glyphs.full_cells = used = (eighths + 4) / 8;
    }
    auto it = std::back_inserter(out);
    if (style.framed) {
        out.push_back('|');
    }
    fmt::format_to(it, "{}", fmt::styled(glyphs, style.fill_style));
    if (mark) {
        // At its own place, or just after the fill when it is within the last filled cell; no room left:
        // the full bar itself shows the peak.
        const auto mark_at =
            std::max(std::min(static_cast<std::uint64_t>(*mark * static_cast<double>(total)), total), used);
        if (mark_at < total) {
            fmt::format_to(it, "{:{}}{}", "", mark_at - used, style.unicode ? "┃" : "|");
            used = mark_at + 1;
        }
    }
    if (style.framed) {
        fmt::format_to(it, "{:{}}|", "", total - used);
    }
}

double bar_fraction(std::uint64_t value, std::uint64_t scale) {
    return static_cast<double>(std::min(value, scale)) / static_cast<double>(scale);
}

std::string render_bar(std::uint64_t value, std::uint64_t mark, std::uint64_t scale, int cells,
                       bool unicode) {
    if (scale == 0) {
        return {};
    }
    fmt::memory_buffer bar;
    append_bar(bar, bar_fraction(value, scale), bar_fraction(mark, scale), BarStyle{cells, unicode});
    return fmt::to_string(bar);
}

std::uint64_t bar_scale_for(std::uint64_t bytes) {
    std::uint64_t scale = std::uint64_t{1} << 20;
    while (scale < bytes && scale < (std::uint64_t{1} << 62)) {
        scale *= 2;
    }
    return scale;
}

namespace {

// The full layout when its bar still gets min_wide_bar_cells; else iteration, RSS and max RSS with a bar
// of at least min_narrow_bar_cells (room for the scale, "512MiB", over it); else no bar, and max RSS goes
// when even that is too wide (iteration and RSS: 19 columns, the narrowest terminal).
constexpr int min_wide_bar_cells = 10;
constexpr int min_narrow_bar_cells = 8;
constexpr std::array<Column, 5> wide_columns{{{6}, {9}, {11}, {11}, {11}}};  // iter elapsed kept rss max
// The wide layout with the time to the budget, when there is one and the bar keeps room for its full
// title ("rss █ max rss ┃ full bar = 16.0 MiB" down to "█ rss ┃ max, full = 512.0 MiB"): from about 100
// columns. Narrower terminals keep the layouts they had.
constexpr std::array<Column, 6> wide_eta_columns{{{6}, {9}, {11}, {11}, {11}, {11}}};
constexpr int min_eta_bar_cells = 30;
constexpr std::array<Column, 3> narrow_columns{{{6}, {11}, {11}}};  // iter rss max
constexpr std::array<std::size_t, 1> narrow_drop_order{2};

// A power-of-two scale in its shortest exact form: "512MiB", "1GiB".
std::string compact_scale(std::uint64_t bytes) {
    constexpr std::array<std::string_view, 5> names{"MiB", "GiB", "TiB", "PiB", "EiB"};
    std::uint64_t value = bytes >> 20;
    std::size_t unit = 0;
    while (value >= 1024 && value % 1024 == 0 && unit + 1 < names.size()) {
        value /= 1024;
        ++unit;
    }
    return fmt::format("{}{}", value, names[unit]);
}

class BarTableSink final : public Sink {
  public:
    BarTableSink(LineWriter& out, const TerminalCaps& caps, Mode mode, std::uint64_t expected_peak_bytes,
                 std::optional<std::uint64_t> budget_bytes)
        : m_out(out),
          m_caps(caps),
          m_mode(mode),
          m_scale(bar_scale_for(expected_peak_bytes)),
          m_eta(budget_bytes) {
        lay_out();
    }

    void record(const Record& record) override {
        m_line.clear();
        if (refresh_width(m_caps, m_resizes_seen)) {
            lay_out();
        }
        const std::uint64_t top = std::max(record.sample.rss_bytes, record.sample.maxrss_bytes);
        // Rescale before the bar fills its last cell, so the max-RSS marker always has a place.
        const auto cells = static_cast<std::uint64_t>(std::max(m_bar_cells, 2));
        const auto too_full = [&] { return top > m_scale / cells * (cells - 1); };
        const bool rescaled = too_full();
        while (too_full()) {
            m_scale *= 2;
        }
        // A new scale is announced over the bar; without a bar there is nothing to announce.
        if (!m_header_written || (rescaled && m_bar_cells > 0)) {
            append_header(!m_header_written);
            m_header_written = true;
        }
        RowFormatter row(m_line, m_columns, m_shown);
        row.cell("{}", record.iteration);
        if (!narrow()) {
            row.cell("{:.2f}s", static_cast<double>(record.elapsed_ns) / 1e9)
                .put(format_bytes(kept_bytes(record, m_mode)));
        }
        row.put(format_bytes(record.sample.rss_bytes)).put(format_bytes(record.sample.maxrss_bytes));
        const std::string eta = m_eta.cell(record);  // every record counts, shown or not
        if (with_eta()) {
            row.put(eta);
        }
        if (m_bar_cells > 0) {
            append_bar(row.open_cell(), bar_fraction(record.sample.rss_bytes, m_scale),
                       bar_fraction(record.sample.maxrss_bytes, m_scale),
                       BarStyle{m_bar_cells, m_caps.unicode});
        }
        end_line(m_line, true);
        m_out.write_line(m_line);
    }

    void note(Mode /*mode*/, std::uint64_t /*iteration*/, const std::string& text) override {
        m_line.clear();
        if (refresh_width(m_caps, m_resizes_seen)) {
            lay_out();
        }
        const auto width = static_cast<std::size_t>(std::max(m_caps.width - 1, min_terminal_width - 1));
        append_note(m_line, NoteLayout{7, m_caps.unicode, width}, text);
        m_out.write_line(m_line);
    }

  private:
    bool narrow() const { return m_columns.size() == narrow_columns.size(); }
    bool with_eta() const { return m_columns.size() == wide_eta_columns.size(); }

    // The layout for the terminal's width, one column left free (a terminal that wraps at the last column
    // would break every row). A new layout gets its header again.
    void lay_out() {
        const int usable = std::max(m_caps.width - 1, 1);
        std::span<const Column> columns = wide_columns;
        ColumnMask shown = all_columns;
        int bar_cells = usable - shown_width(wide_columns) - 1;
        if (m_eta.shown() && usable - shown_width(wide_eta_columns) - 1 >= min_eta_bar_cells) {
            columns = wide_eta_columns;
            bar_cells = usable - shown_width(wide_eta_columns) - 1;
        } else if (bar_cells < min_wide_bar_cells) {
            columns = narrow_columns;
            bar_cells = usable - shown_width(narrow_columns) - 1;
        }
        if (bar_cells < min_narrow_bar_cells) {
            bar_cells = 0;
            shown = fit_columns(narrow_columns, narrow_drop_order, usable);
        }
        const bool same = columns.data() == m_columns.data() && shown == m_shown && bar_cells == m_bar_cells;
        m_header_written = m_header_written && same;
        m_columns = columns;
        m_shown = shown;
        m_bar_cells = bar_cells;
    }

    // The column titles (or, when the scale doubled, blanks under them) and the bar's title: the longest
    // wording that fits the bar's own cells, the scale above all.
    void append_header(bool with_columns) {
        const std::string_view fill = m_caps.unicode ? "█" : "#";
        const std::string_view mark = m_caps.unicode ? "┃" : "|";
        const std::string scale = format_bytes(m_scale);
        std::string title;
        for (const std::string& candidate :
             {fmt::format("rss {} max rss {} full bar = {}", fill, mark, scale),
              fmt::format("{} rss {} max, full = {}", fill, mark, scale), fmt::format("full = {}", scale),
              scale, compact_scale(m_scale)}) {
            if (m_bar_cells > 0 && display_width(candidate) <= static_cast<std::size_t>(m_bar_cells)) {
                title = candidate;
                break;
            }
        }
        fmt::memory_buffer header;  // once per run, per layout and per new scale
        RowFormatter row(header, m_columns, m_shown);
        if (!with_columns) {
            row.blank(m_columns.size());
        } else if (narrow()) {
            row.put("iter").put("rss").put("max rss");
        } else {
            row.put("iter").put("elapsed").put(kept_title(m_mode)).put("rss").put("max rss");
            if (with_eta()) {
                row.put(budget_eta_title);
            }
        }
        if (m_bar_cells > 0) {
            row.open_cell().append(title);
        }
        append_styled(m_line, std::string_view(header.data(), header.size()), heading_style(m_caps.color));
        end_line(m_line, true);
    }

    LineWriter& m_out;
    TerminalCaps m_caps;
    Mode m_mode;
    std::uint64_t m_scale;
    std::span<const Column> m_columns;
    ColumnMask m_shown = all_columns;
    int m_bar_cells = -1;
    int m_resizes_seen = 0;
    bool m_header_written = false;
    fmt::memory_buffer m_line;
    LiveBudgetEta m_eta;
};

}  // namespace

std::unique_ptr<Sink> make_bar_table_sink(LineWriter& out, const TerminalCaps& caps, Mode mode,
                                          std::uint64_t expected_peak_bytes,
                                          std::optional<std::uint64_t> budget_bytes) {
    return std::make_unique<BarTableSink>(out, caps, mode, expected_peak_bytes, budget_bytes);
}

}  // namespace leakdemo
