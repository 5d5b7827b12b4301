#include "live/frame.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <span>

#include "live/chart_view.hpp"
#include "live/frame_rows.hpp"
#include "output/human_summary.hpp"
#include "output/table.hpp"
#include "util/units.hpp"

namespace leakdemo {

namespace frame_detail {

// Appends at most `width` code points of `text`: the whole text, or all but one and an ellipsis.
void Rows::put(std::string_view text) {
    fmt::format_to(std::back_inserter(m_out), "\x1b[{};1H", m_row++);
    const auto width = static_cast<std::size_t>(std::max(m_width, 1));
    if (display_width(text) <= width) {
        m_out.append(text);
    } else {
        std::size_t points = 0;
        std::size_t end = 0;
        for (; end < text.size(); ++end) {
            const bool starts_point = (static_cast<unsigned char>(text[end]) & 0xC0) != 0x80;
            if (starts_point && ++points == width) {
                break;  // `end` starts the last column: the ellipsis goes there
            }
        }
        m_out.append(text.substr(0, end));
        m_out.append(glyph(m_unicode, "…", "~"));
    }
    m_out.append("\x1b[K");
}

}  // namespace frame_detail

namespace {

using frame_detail::glyph;
using frame_detail::Line;
using frame_detail::Rows;

void append_header(Rows& rows, const LiveView& view) {
    const std::string_view dot = glyph(view.unicode, " · ", " | ");
    Line line;
    fmt::format_to(fmt::appender(line), "{}leakdemo live{}{} mode{}{} blocks{}every {}",
                   view.paused ? "PAUSED " : "", dot, to_string(view.mode), dot,
                   format_bytes(view.block_bytes), dot, format_duration(view.interval));
    if (view.latest) {
        fmt::format_to(fmt::appender(line), "{}iteration {}", dot, view.latest->iteration);
    }
    rows.put(line);

    line.clear();
    if (!view.budget_bytes) {
        line.append(std::string_view("guard: off (--no-guard)"));
    } else {
        fmt::format_to(fmt::appender(line), "guard: stops before leaked + held pass {}",
                       format_bytes(*view.budget_bytes));
        const auto eta =
            view.ring != nullptr ? seconds_to_budget(*view.ring, view.budget_bytes) : std::nullopt;
        if (eta) {
            fmt::format_to(fmt::appender(line), "; at this rate in {}", format_eta_words(*eta));
        } else {
            line.append(std::string_view("; not growing now"));
        }
    }
    rows.put(line);

    line.clear();
    fmt::format_to(fmt::appender(line), "peak: run {} (ru_maxrss", format_bytes(view.run_peak_bytes));
    if (view.phase_peak_bytes) {
        fmt::format_to(fmt::appender(line), "){}phase since iteration {}: {} (VmHWM)", dot,
                       view.phase_start_iteration, format_bytes(*view.phase_peak_bytes));
    } else {
        line.append(std::string_view(", cannot be reset); m starts a phase"));
    }
    rows.put(line);
}

// The table's columns, as many as fit: a title row and the newest sample's values.
constexpr std::array<Column, 8> figure_columns{{{9}, {8}, {10}, {10}, {10}, {10}, {10}, {12}}};
constexpr std::array<std::size_t, 7> figure_drop_order{7, 1, 6, 5, 3, 2, 0};

void append_figures(Rows& rows, const LiveView& view) {
    const ColumnMask shown = fit_columns(figure_columns, figure_drop_order, rows.width());
    fmt::memory_buffer line;
    RowFormatter(line, figure_columns, shown)
        .put("iteration")
        .put("elapsed")
        .put("leaked")
        .put("held")
        .put("rss")
        .put("max rss")
        .put(glyph(view.unicode, "Δ rss", "d rss"))
        .put("minor faults");
    rows.put(std::string_view(line.data(), line.size()));
    line.clear();
    if (view.latest) {
        const Record& r = *view.latest;
        const std::uint64_t previous_rss = view.ring != nullptr && view.ring->size() > 1
                                               ? view.ring->at_age(1).rss_bytes
                                               : r.sample.rss_bytes;
        RowFormatter(line, figure_columns, shown)
            .cell("{}", r.iteration)
            .put(format_duration_compact(r.elapsed_ns).view())
            .put(format_bytes(r.counters.leaked_bytes))
            .put(format_bytes(r.counters.outstanding_bytes - r.counters.leaked_bytes))
            .put(format_bytes(r.sample.rss_bytes))
            .put(format_bytes(r.sample.maxrss_bytes))
            .put(format_signed_bytes(static_cast<std::int64_t>(r.sample.rss_bytes) -
                                     static_cast<std::int64_t>(previous_rss)))
            .cell("{}", r.sample.minor_faults);
    }
    rows.put(std::string_view(line.data(), line.size()));
}

// What the last key did, then the two newest notes, each on `lines_each` lines (word-wrapped; the last
// line cut if the note is longer).
void append_notes(Rows& rows, const LiveView& view, int lines_each) {
    const auto width = static_cast<std::size_t>(rows.width());
    const std::array<std::string_view, 3> shown{view.key_note, view.notes[0], view.notes[1]};
    for (const std::string_view note : shown) {
        std::string_view rest = note;
        for (int line_index = 0; line_index < lines_each; ++line_index) {
            Line line;
            const bool key = note.data() == view.key_note.data();  // "key h: ..." says what it is
            line.append(line_index > 0 || note.empty() || key ? "  " : glyph(view.unicode, "› ", "> "));
            std::size_t take = rest.size();
            if (line_index + 1 < lines_each && display_width(rest) + 2 > width) {
                // Break at the last blank that keeps the line within the width (bytes ~ columns here).
                const std::size_t limit = std::min(rest.size(), width > 2 ? width - 2 : 1);
                const std::size_t blank = rest.substr(0, limit).rfind(' ');
                take = blank == std::string_view::npos || blank == 0 ? limit : blank;
            }
            line.append(rest.substr(0, take));
            rest.remove_prefix(
                std::min(rest.size(), take + (take < rest.size() && rest[take] == ' ' ? 1 : 0)));
            rows.put(line);
        }
    }
}

void append_keys(Rows& rows, const LiveView& view) {
    static constexpr std::array<std::string_view, 3> unicode_lines{
        "l leak · f free · h hold · s more modes · r release held · t trim · m mark · space pause · "
        "+/- faster/slower · q quit",
        "l leak f free h hold s modes r release t trim m mark ␣ pause +/- speed q quit",
        "l f h s:modes r:release t:trim m:mark ␣:pause +/- q:quit"};
    static constexpr std::array<std::string_view, 3> ascii_lines{
        "l leak | f free | h hold | s more modes | r release held | t trim | m mark | space pause | "
        "+/- faster/slower | q quit",
        "l leak f free h hold s modes r release t trim m mark spc pause +/- speed q quit",
        "l f h s:modes r:release t:trim m:mark spc:pause +/- q:quit"};
    const auto& lines = view.unicode ? unicode_lines : ascii_lines;
    for (const std::string_view text : lines) {
        if (display_width(text) <= static_cast<std::size_t>(rows.width()) || text == lines.back()) {
            rows.put(text);
            return;
        }
    }
}

// The `s` menu, over the chart's rows: every mode with its key, the unavailable ones with the reason.
void append_menu(Rows& rows, const LiveView& view, int menu_rows) {
    rows.put("s: pick a mode by its key; it runs from the next iteration (s or Esc: back)");
    const int entry_rows = std::max(menu_rows - 1, 1);
    const auto count = static_cast<int>(view.menu.size());
    const int per_row = (count + entry_rows - 1) / entry_rows;
    const int column_width = rows.width() / std::max(per_row, 1);
    int used = 1;
    for (int first = 0; first < count; first += per_row) {
        Line line;
        for (int i = first; i < std::min(first + per_row, count); ++i) {
            const MenuEntry& entry = view.menu[static_cast<std::size_t>(i)];
            const std::size_t start = line.size();
            fmt::format_to(fmt::appender(line), "{} {}{}{}", entry.key, to_string(entry.mode),
                           entry.mode == view.mode ? " (now)" : "", entry.unavailable.empty() ? "" : ": ");
            line.append(entry.unavailable);
            const auto written = static_cast<int>(display_width({line.data() + start, line.size() - start}));
            if (i + 1 < std::min(first + per_row, count) && written < column_width) {
                fmt::format_to(fmt::appender(line), "{:{}}", "", column_width - written);
            }
        }
        rows.put(line);
        ++used;
    }
    for (; used < menu_rows; ++used) {
        rows.put("");
    }
}

}  // namespace

std::optional<double> seconds_to_budget(const ChartRing& ring, std::optional<std::uint64_t> budget_bytes,
                                        std::size_t window) {
    if (!budget_bytes || ring.size() < 2) {
        return std::nullopt;
    }
    const ChartPoint& newest = ring.at_age(0);
    const ChartPoint& oldest = ring.at_age(std::min(window, ring.size() - 1));
    const std::uint64_t now_bytes = newest.leaked_bytes + newest.held_bytes;
    const std::uint64_t then_bytes = oldest.leaked_bytes + oldest.held_bytes;
    const double seconds = static_cast<double>(newest.elapsed_ns - oldest.elapsed_ns) / 1e9;
    if (now_bytes <= then_bytes || seconds <= 0 || now_bytes >= *budget_bytes) {
        return now_bytes >= *budget_bytes ? std::optional<double>(0.0) : std::nullopt;
    }
    const double rate = static_cast<double>(now_bytes - then_bytes) / seconds;
    return static_cast<double>(*budget_bytes - now_bytes) / rate;
}

void render_frame(const LiveView& view, int width, int height, std::string& out) {
    out.clear();
    Rows rows(out, width, view.unicode);
    if (width < min_frame_width || height < min_frame_height) {
        rows.put(fmt::format("enlarge the terminal: leakdemo live needs {}{}{}, this is {}{}{}",
                             min_frame_width, glyph(view.unicode, "×", "x"), min_frame_height, width,
                             glyph(view.unicode, "×", "x"), height));
        out.append("\x1b[J");
        return;
    }
    // header 3, chart axis + legend 2, figures 2, the key's note and two notes, keys 1: the chart takes
    // the rest.
    const int note_lines_each = height >= 26 ? 2 : 1;
    const int chart_rows = height - 3 - 2 - 2 - 3 * note_lines_each - 1;
    append_header(rows, view);
    if (view.menu_open) {
        append_menu(rows, view, chart_rows + 2);
    } else {
        static const ChartRing empty_ring(1);
        frame_detail::append_chart(rows, view.ring != nullptr ? *view.ring : empty_ring, chart_rows);
    }
    append_figures(rows, view);
    append_notes(rows, view, note_lines_each);
    append_keys(rows, view);
    out.append("\x1b[J");
}

std::string render_frame(const LiveView& view, int width, int height) {
    std::string out;
    render_frame(view, width, height, out);
    return out;
}

}  // namespace leakdemo
