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

namespace {

using frame_detail::append_in;
using frame_detail::glyph;
using frame_detail::Line;
using frame_detail::Paint;
using frame_detail::Rows;
using frame_detail::screen_width;

// The guard's line: its budget and the time to it. On a narrow terminal the words go, never a number
// ("guard 11.3 GiB, in 1 h 2 min").
void append_guard(Rows& rows, const LiveView& view) {
    Line line;
    // Plain values, not the optional, in the loop (GCC 12 thinks a copied optional<double> uninitialised).
    const std::optional<double> eta =
        view.ring != nullptr ? seconds_to_budget(*view.ring, view.budget_bytes) : std::nullopt;
    const bool has_eta = eta.has_value();
    const double eta_seconds = eta.value_or(0.0);
    for (int narrow = 0; narrow < 2; ++narrow) {
        line.clear();
        if (!view.budget_bytes) {
            line.append(std::string_view(narrow == 0 ? "guard: off (--no-guard)" : "guard off"));
            break;
        }
        fmt::format_to(fmt::appender(line),
                       fmt::runtime(narrow == 0 ? "guard: stops before leaked + held pass {}" : "guard {}"),
                       format_bytes(*view.budget_bytes));
        if (!view.ended.empty()) {
            line.append(std::string_view(narrow == 0 ? "; the run is over" : ", run over"));
        } else if (has_eta) {
            // Close to the limit, the time is the alarm's colour: the class sees the guard coming.
            line.append(std::string_view(narrow == 0 ? "; at this rate in " : ", in "));
            append_in(line, format_eta_words(eta_seconds),
                      eta_seconds <= close_eta_seconds ? Paint::alarm : Paint::plain, view.color);
        } else {
            line.append(std::string_view(narrow == 0 ? "; not growing now" : ", not growing"));
        }
        if (screen_width({line.data(), line.size()}) <= static_cast<std::size_t>(rows.width())) {
            break;
        }
    }
    rows.put(line);
}

// The peaks: the run's is the most leakdemo has seen (kept here: `m` resets the kernel's VmHWM and, on
// Linux, ru_maxrss with it), the phase's is VmHWM since `m`. Narrow: shorter words, the same numbers.
void append_peak(Rows& rows, const LiveView& view) {
    const std::string_view dot = glyph(view.unicode, " · ", " | ");
    Line line;
    for (int narrow = 0; narrow < 2; ++narrow) {
        line.clear();
        fmt::format_to(fmt::appender(line),
                       fmt::runtime(narrow == 0 ? "peak: run {} (most seen)" : "peak {}"),
                       format_bytes(view.run_peak_bytes));
        if (view.phase_peak_bytes) {
            fmt::format_to(fmt::appender(line),
                           fmt::runtime(narrow == 0 ? "{}phase since iteration {}: {} (VmHWM)"
                                                    : "{}phase (since {}) {}"),
                           dot, view.phase_start_iteration, format_bytes(*view.phase_peak_bytes));
        } else {
            line.append(std::string_view("; m starts a phase"));
        }
        if (screen_width({line.data(), line.size()}) <= static_cast<std::size_t>(rows.width())) {
            break;
        }
    }
    rows.put(line);
}

void append_header(Rows& rows, const LiveView& view) {
    const std::string_view dot = glyph(view.unicode, " · ", " | ");
    Line line;
    // The iteration is what a class follows: on a narrow terminal the name goes, then the words.
    for (int wording = 0; wording < 3; ++wording) {
        line.clear();
        if (view.paused) {
            append_in(line, "PAUSED", Paint::heading, view.color);
            line.push_back(' ');
        }
        if (wording == 0) {
            line.append(std::string_view("leakdemo live"));
            line.append(dot);
        }
        const std::string_view words = wording < 2 ? "{} mode{}{} blocks{}every {}" : "{}{}{}{}{}";
        fmt::format_to(fmt::appender(line), fmt::runtime(words), to_string(view.mode), dot,
                       format_bytes(view.block_bytes), dot, format_duration(view.interval));
        if (view.latest) {
            fmt::format_to(fmt::appender(line), "{}iteration {}", dot, view.latest->iteration);
        }
        if (screen_width({line.data(), line.size()}) <= static_cast<std::size_t>(rows.width())) {
            break;
        }
    }
    rows.put(line);

    append_guard(rows, view);
    append_peak(rows, view);
}

// The table's columns, as many as fit: a title row and the newest sample's values.
constexpr std::array<Column, 8> figure_columns{{{9}, {8}, {10}, {10}, {10}, {10}, {10}, {12}}};
constexpr std::array<std::size_t, 7> figure_drop_order{7, 1, 6, 5, 3, 2, 0};

// The next cell of `row`, right-aligned in its column, only its text in `paint`: the padding stays
// outside the colour. Nothing when the column is hidden.
void put_painted(RowFormatter& row, ColumnMask shown, std::size_t index, std::string_view text, Paint paint,
                 bool color) {
    fmt::memory_buffer& line = row.open_cell();
    if (index < 32 && ((shown >> index) & 1U) == 0) {
        return;
    }
    const auto width = static_cast<std::size_t>(figure_columns[index].width);
    const std::size_t used = display_width(text);
    for (std::size_t i = used; i < width; ++i) {
        line.push_back(' ');
    }
    if (color && paint != Paint::plain) {
        fmt::format_to(std::back_inserter(line), "{}",
                       fmt::styled(text, frame_detail::style_of(paint, color)));
    } else {
        line.append(text);
    }
}

void append_figures(Rows& rows, const LiveView& view) {
    const ColumnMask shown = fit_columns(figure_columns, figure_drop_order, rows.width());
    static constexpr std::array<std::string_view, 8> titles{"iteration", "elapsed", "leaked", "held",
                                                            "rss",       "max rss", "Δ rss",  "minor faults"};
    fmt::memory_buffer line;
    {
        RowFormatter row(line, figure_columns, shown);
        for (std::size_t i = 0; i < titles.size(); ++i) {
            const std::string_view title = i == 6 ? glyph(view.unicode, "Δ rss", "d rss") : titles[i];
            put_painted(row, shown, i, title, Paint::heading, view.color);
        }
    }
    rows.put(std::string_view(line.data(), line.size()));
    line.clear();
    if (view.latest) {
        const Record& r = *view.latest;
        const std::uint64_t previous_rss = view.ring != nullptr && view.ring->size() > 1
                                               ? view.ring->at_age(1).rss_bytes
                                               : r.sample.rss_bytes;
        const auto delta =
            static_cast<std::int64_t>(r.sample.rss_bytes) - static_cast<std::int64_t>(previous_rss);
        const std::uint64_t held = r.counters.outstanding_bytes - r.counters.leaked_bytes;
        RowFormatter row(line, figure_columns, shown);
        row.cell("{}", r.iteration).put(format_duration_compact(r.elapsed_ns).view());
        // The series' colours, as on the chart; RSS going up or down as the table colours it.
        const bool color = view.color;
        put_painted(row, shown, 2, format_bytes(r.counters.leaked_bytes),
                    r.counters.leaked_bytes > 0 ? Paint::leaked : Paint::plain, color);
        put_painted(row, shown, 3, format_bytes(held), held > 0 ? Paint::held : Paint::plain, color);
        put_painted(row, shown, 4, format_bytes(r.sample.rss_bytes), Paint::rss, color);
        put_painted(row, shown, 5, format_bytes(r.sample.maxrss_bytes), Paint::maxrss, color);
        put_painted(row, shown, 6, format_signed_bytes(delta),
                    delta > 0   ? Paint::growth
                    : delta < 0 ? Paint::release
                                : Paint::plain,
                    color);
        row.cell("{}", r.sample.minor_faults);
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
                std::size_t limit = std::min(rest.size(), width > 2 ? width - 2 : 1);
                while (limit > 1 && (static_cast<unsigned char>(rest[limit]) & 0xC0) == 0x80) {
                    --limit;  // not inside a code point: "…" is three bytes
                }
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

// `text` with each key between braces in the key paint: "{q} quit" is "q quit", its q bold.
void append_with_keys(Line& line, std::string_view text, bool color) {
    while (!text.empty()) {
        const std::size_t open = text.find('{');
        const std::size_t close = text.find('}', open);
        if (open == std::string_view::npos || close == std::string_view::npos) {
            line.append(text);
            return;
        }
        line.append(text.substr(0, open));
        append_in(line, text.substr(open + 1, close - open - 1), Paint::key, color);
        text.remove_prefix(close + 1);
    }
}

// The first of `wordings` that fits the width, keys painted; the last one (cut) when none does.
void put_fitting(Rows& rows, std::span<const std::string_view> wordings, bool color) {
    Line line;
    for (const std::string_view text : wordings) {
        line.clear();
        append_with_keys(line, text, color);
        if (screen_width({line.data(), line.size()}) <= static_cast<std::size_t>(rows.width())) {
            break;
        }
    }
    rows.put(line);
}

void append_keys(Rows& rows, const LiveView& view) {
    static constexpr std::array<std::string_view, 3> unicode_lines{
        "{l} leak · {f} free · {h} hold · {s} more modes · {r} release held · {t} trim · {m} mark · "
        "{space} pause · {+}/{-} faster/slower · {q} quit",
        "{l} leak {f} free {h} hold {s} modes {r} release {t} trim {m} mark {␣} pause {+/-} speed {q} quit",
        "{l} {f} {h} {s}:modes {r}:release {t}:trim {m}:mark {␣}:pause {+/-} {q}:quit"};
    static constexpr std::array<std::string_view, 3> ascii_lines{
        "{l} leak | {f} free | {h} hold | {s} more modes | {r} release held | {t} trim | {m} mark | "
        "{space} pause | {+}/{-} faster/slower | {q} quit",
        "{l} leak {f} free {h} hold {s} modes {r} release {t} trim {m} mark {spc} pause {+/-} speed {q} quit",
        "{l} {f} {h} {s}:modes {r}:release {t}:trim {m}:mark {spc}:pause {+/-} {q}:quit"};
    put_fitting(rows, view.unicode ? unicode_lines : ascii_lines, view.color);
}

// The run ended by itself (-n reached, the guard, a failed allocation): in place of the keys, why (bold),
// and that q leaves; on a row too narrow for both, "q leaves" first and the why cut.
void append_ended(Rows& rows, const LiveView& view) {
    const std::string_view dash = glyph(view.unicode, " — ", " - ");
    Line why;
    append_in(why, view.ended, Paint::heading, view.color);
    const std::string_view bold(why.data(), why.size());
    const std::array<std::string, 4> wordings{
        fmt::format("{}{}press {{q}} to leave (the other keys do nothing now)", bold, dash),
        fmt::format("{}{}press {{q}} to leave", bold, dash), fmt::format("{}{}{{q}} leaves", bold, dash),
        fmt::format("{{q}} leaves{}{}", dash, bold)};  // the why cut at the right edge
    const std::array<std::string_view, 4> views{wordings[0], wordings[1], wordings[2], wordings[3]};
    put_fitting(rows, views, view.color);
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

namespace {

// The bytes of the first `columns` code points of `text` (all of it when shorter).
std::size_t bytes_of_columns(std::string_view text, std::size_t columns) {
    std::size_t points = 0;
    for (std::size_t at = 0; at < text.size(); ++at) {
        if ((static_cast<unsigned char>(text[at]) & 0xC0) != 0x80 && points++ == columns) {
            return at;
        }
    }
    return text.size();
}

// `text` on as many rows as it takes, `width` columns each: broken at blanks, a word wider than the width
// broken where the width ends. Rows past the height are left out (Rows).
void put_wrapped(Rows& rows, std::string_view text, std::size_t width) {
    while (!text.empty()) {
        std::size_t take = bytes_of_columns(text, width);
        if (take < text.size()) {
            const std::size_t blank = text.substr(0, take + 1).rfind(' ');
            take = blank == std::string_view::npos || blank == 0 ? take : blank;
        }
        rows.put(text.substr(0, take));
        text.remove_prefix(take);
        while (!text.empty() && text.front() == ' ') {
            text.remove_prefix(1);
        }
    }
}

// Below 60x20: that it needs 60x20 and how big the terminal is now. The longest wording that fits one row;
// else "need 60x20," and "have 50x15" on two rows; else the short wording wrapped (complete down to 6x4).
void append_too_small(Rows& rows, const LiveView& view) {
    const std::string_view times = glyph(view.unicode, "×", "x");
    const auto width = static_cast<std::size_t>(rows.width());
    const std::string need = fmt::format("{}{}{}", min_frame_width, times, min_frame_height);
    const std::string have = fmt::format("{}{}{}", rows.width(), times, rows.height());
    const std::array<std::string, 3> one_row{
        fmt::format("enlarge the terminal: leakdemo live needs {}, this is {}", need, have),
        fmt::format("enlarge the terminal: need {}, have {}", need, have),
        fmt::format("need {}, have {}", need, have)};
    for (const std::string& text : one_row) {
        if (screen_width(text) <= width) {
            rows.put(text);
            return;
        }
    }
    const std::string first = fmt::format("need {},", need);
    const std::string second = fmt::format("have {}", have);
    if (rows.height() >= 2 && screen_width(first) <= width && screen_width(second) <= width) {
        rows.put(first);
        rows.put(second);
        return;
    }
    put_wrapped(rows, one_row.back(), width);
}

}  // namespace

void render_frame(const LiveView& view, int width, int height, std::string& out) {
    out.clear();
    width = std::max(width, 1);
    height = std::max(height, 1);
    Rows rows(out, width, height, view.unicode, view.color);
    if (width < min_frame_width || height < min_frame_height) {
        append_too_small(rows, view);
        out.append("\x1b[J");
        return;
    }
    // header 3, chart axis + legend 2, figures 2, the key's note and two notes, keys (or why the run
    // ended) 1: the chart takes the rest.
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
    if (view.ended.empty()) {
        append_keys(rows, view);
    } else {
        append_ended(rows, view);
    }
    out.append("\x1b[J");
}

std::string render_frame(const LiveView& view, int width, int height) {
    std::string out;
    render_frame(view, width, height, out);
    return out;
}

}  // namespace leakdemo
