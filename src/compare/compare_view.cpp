// compare's views: the live side-by-side table with bars, CSV / JSON Lines through the single run's sinks,
// the merge of two children's rows by iteration, and the two-column summary.
#include "compare/compare_view.hpp"

#include <fmt/color.h>
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <iterator>
#include <limits>
#include <optional>
#include <string_view>

#include "output/bars.hpp"
#include "output/human_summary.hpp"
#include "output/style.hpp"
#include "output/table.hpp"
#include "util/units.hpp"

namespace leakdemo {
namespace {

// CSV and JSON Lines: the single run's own sinks, so the merged rows have exactly the single-run schema.
class SinkCompareView final : public CompareView {
  public:
    explicit SinkCompareView(std::unique_ptr<Sink> sink) : m_sink(std::move(sink)) {}
    void row(const Record* first, const Record* second) override {
        for (const Record* record : {first, second}) {
            if (record != nullptr) {
                m_sink->record(*record);
            }
        }
    }
    void note(Mode mode, std::uint64_t iteration, const std::string& text) override {
        m_sink->note(mode, iteration, text);
    }
    void finish(const Comparison& comparison) override {
        // Each child's own summary record, in --modes order: the last lines, as in a single run.
        for (const ReportSeries& run : comparison.runs) {
            if (run.summary) {
                m_sink->summary(*run.summary);
            }
        }
    }

  private:
    std::unique_ptr<Sink> m_sink;
};

// The live table: iteration, RSS and max RSS of each child, the difference, and a bar per child. It
// follows the terminal's width, also after a resize: the bars go first, then each child's max RSS and the
// difference, down to iteration and both RSS (25 columns); a new layout gets its header again.
class TableCompareView final : public CompareView {
  public:
    TableCompareView(LineWriter& out, const TerminalCaps& caps, const Options& options)
        : m_out(out), m_caps(caps), m_modes(options.compare_modes), m_bars(options.bars != BarsMode::never) {
        lay_out();
        // Bars share one scale: the expected end of a growing run of at most 64 blocks, so in a classroom
        // run (-n 20) the bars grow row by row to the full width; a longer run doubles the scale whenever a
        // row outgrows it.
        constexpr std::uint64_t max_blocks_in_scale = 64;
        const std::uint64_t blocks = std::min(options.iterations.value_or(16), max_blocks_in_scale);
        m_scale = static_cast<double>(blocks) * static_cast<double>(options.block_bytes);
    }

    void row(const Record* first, const Record* second) override {
        m_line.clear();
        if (refresh_width(m_caps, m_resizes_seen)) {
            lay_out();
        }
        if (!m_scale_started) {
            // 10 % headroom: a block costs a little more than its size (chunk header, page rounding).
            m_scale =
                (m_scale + static_cast<double>((first != nullptr ? *first : *second).sample.rss_bytes)) * 1.1;
            m_scale_started = true;
        }
        if (!m_header_written) {
            header();
            m_header_written = true;
        }
        const Record* sides[] = {first, second};
        RowFormatter row(m_line, m_columns, m_shown);
        row.cell("{}", (first != nullptr ? *first : *second).iteration);
        for (const Record* record : sides) {
            if (record != nullptr) {
                row.put(format_bytes(record->sample.rss_bytes))
                    .put(format_bytes(record->sample.maxrss_bytes));
            } else {
                row.put("-").put("-");
            }
        }
        if (first != nullptr && second != nullptr) {
            row.put(format_signed_bytes(static_cast<std::int64_t>(first->sample.rss_bytes) -
                                        static_cast<std::int64_t>(second->sample.rss_bytes)));
        } else {
            row.put("-");
        }
        if (m_bar_width > 0) {
            for (std::size_t side = 0; side < 2; ++side) {
                bar(row, m_modes[side], sides[side]);
            }
        }
        end_line(m_line);
        m_out.write_line(m_line);
    }

    // --explain: under the row it belongs to, naming the child that measured it.
    void note(Mode mode, std::uint64_t /*iteration*/, const std::string& text) override {
        m_line.clear();
        if (refresh_width(m_caps, m_resizes_seen)) {
            lay_out();
        }
        // Word-wrapped to the width, one column left free, every further line under the text.
        const auto wrap = static_cast<std::size_t>(std::max(m_caps.width - 1, min_terminal_width - 1));
        append_note(m_line, NoteLayout{6, m_caps.unicode, wrap},
                    fmt::format("{}: {}", to_string(mode), text));
        m_out.write_line(m_line);
    }

  private:
    // iter, then rss and max of each child, then the difference; bars after them when they fit.
    static constexpr std::array<Column, 6> number_columns{{{5}, {9}, {9}, {9}, {9}, {9}}};
    static constexpr std::array<std::size_t, 3> drop_order{4, 2, 5};  // second max, first max, difference

    // The layout for the terminal's width, one column left free. Each bar is a blank, two '|' and its cells.
    void lay_out() {
        const int usable = m_caps.width - 1;
        const int bar_width = std::clamp((usable - shown_width(number_columns)) / 2 - 3, 0, 30);
        const int bars = m_bars && bar_width >= 4 ? bar_width : 0;  // too narrow for a bar that says anything
        const ColumnMask shown = bars > 0 ? all_columns : fit_columns(number_columns, drop_order, usable);
        m_header_written = m_header_written && bars == m_bar_width && shown == m_shown;
        m_bar_width = bars;
        m_shown = shown;
        m_columns.assign(number_columns.begin(), number_columns.end());
        if (m_bar_width > 0) {
            m_columns.insert(m_columns.end(), 2, Column{m_bar_width + 2, Align::left});
        }
    }

    void header() {
        fmt::memory_buffer header;
        RowFormatter row(header, m_columns, m_shown);
        row.put("iter");
        for (const Mode mode : m_modes) {
            row.put(fmt::format("{} rss", to_string(mode))).put(fmt::format("{} max", to_string(mode)));
        }
        row.put(m_caps.unicode ? "Δ rss" : "d rss");
        if (m_bar_width > 0) {
            // Each label over its bar; the last one unpadded, so the line has no trailing blanks.
            row.put(fmt::format("{} rss", to_string(m_modes[0])));
            fmt::format_to(std::back_inserter(row.open_cell()), "{} rss", to_string(m_modes[1]));
        }
        append_styled(m_line, std::string_view(header.data(), header.size()), heading_style(m_caps.color));
        end_line(m_line);
    }

    // A proportional bar between "|" marks in the mode's colour, blank for a child that stopped.
    void bar(RowFormatter& row, Mode mode, const Record* record) {
        if (record == nullptr) {
            row.put("");
            return;
        }
        const auto rss = static_cast<double>(record->sample.rss_bytes);
        while (rss > m_scale) {
            m_scale *= 2;
        }
        append_bar(row.open_cell(), rss / m_scale, std::nullopt,
                   BarStyle{m_bar_width, m_caps.unicode, true, true, mode_style(mode, m_caps.color)});
    }

    LineWriter& m_out;
    TerminalCaps m_caps;
    std::array<Mode, 2> m_modes;
    bool m_bars;  // not --bars never
    std::vector<Column> m_columns;
    ColumnMask m_shown = all_columns;
    fmt::memory_buffer m_line;
    bool m_header_written = false;
    bool m_scale_started = false;
    int m_bar_width = -1;
    int m_resizes_seen = 0;
    double m_scale = 1;
};

}  // namespace

std::unique_ptr<CompareView> make_compare_view(Format format, LineWriter& out, const TerminalCaps& caps,
                                               const Options& options) {
    switch (format) {
        case Format::csv:
            return std::make_unique<SinkCompareView>(make_csv_sink(out));
        case Format::jsonl:
            return std::make_unique<SinkCompareView>(make_jsonl_sink(out));
        case Format::table:
        case Format::automatic:
            break;
    }
    return std::make_unique<TableCompareView>(out, caps, options);
}

void RowMerger::add_record(std::size_t side, const Record& record) {
    m_pending[side].push_back(record);
    while (!m_pending[0].empty() && !m_pending[1].empty()) {
        const Record first = m_pending[0].front();
        const Record second = m_pending[1].front();
        m_pending[0].pop_front();
        m_pending[1].pop_front();
        emit(&first, &second);
    }
}

void RowMerger::add_note(std::size_t side, Mode mode, std::uint64_t iteration, std::string text) {
    m_pending_notes[side].push_back(PendingNote{mode, iteration, std::move(text)});
    emit_notes_before(m_emitted);
}

void RowMerger::emit_notes_before(std::uint64_t iteration) {
    for (auto& notes : m_pending_notes) {
        while (!notes.empty() && notes.front().iteration < iteration) {
            const PendingNote note = std::move(notes.front());
            notes.pop_front();
            for (CompareView* view : m_views) {
                view->note(note.mode, note.iteration, note.text);
            }
        }
    }
}

void RowMerger::finish() {
    while (!m_pending[0].empty() || !m_pending[1].empty()) {
        std::optional<Record> sides[2];
        for (std::size_t side = 0; side < 2; ++side) {
            if (!m_pending[side].empty()) {
                sides[side] = m_pending[side].front();
                m_pending[side].pop_front();
            }
        }
        emit(sides[0] ? &*sides[0] : nullptr, sides[1] ? &*sides[1] : nullptr);
    }
    emit_notes_before(std::numeric_limits<std::uint64_t>::max());  // every note left, whatever its iteration
    for (CompareView* view : m_views) {
        view->finish(m_comparison);
    }
}

void RowMerger::emit(const Record* first, const Record* second) {
    ++m_emitted;
    for (CompareView* view : m_views) {
        view->row(first, second);
    }
    emit_notes_before(m_emitted);
}

// The two-column summary for stderr.
std::string format_compare_summary(const Comparison& comparison, bool color) {
    const auto& runs = comparison.runs;
    std::string text =
        fmt::format("leakdemo compare: {} vs {}\n", to_string(runs[0].mode), to_string(runs[1].mode));
    const auto line = [&text, &runs](std::string_view label, auto value_of) {
        std::string cells[2];
        for (std::size_t side = 0; side < 2; ++side) {
            cells[side] = runs[side].summary ? value_of(*runs[side].summary) : std::string("-");
        }
        text += fmt::format("  {:<14} {:>14} {:>14}\n", label, cells[0], cells[1]);
    };
    text += fmt::format("  {:<14} {:>14} {:>14}\n", "", to_string(runs[0].mode), to_string(runs[1].mode));
    line("iterations", [](const Summary& s) { return std::to_string(s.iterations); });
    line("requested", [](const Summary& s) { return format_bytes(s.requested_bytes); });
    line("leaked", [](const Summary& s) { return format_bytes(s.leaked_bytes); });
    line("held", [](const Summary& s) { return format_bytes(s.outstanding_bytes - s.leaked_bytes); });
    // Rounded once, so start + growth = end as printed.
    const auto rss = [](const Summary& s) { return format_rss_change(s.rss_start_bytes, s.rss_end_bytes); };
    line("RSS start", [&rss](const Summary& s) { return rss(s).start; });
    line("RSS end", [&rss](const Summary& s) { return rss(s).end; });
    line("RSS growth", [&rss](const Summary& s) { return rss(s).growth; });
    line("per iteration", [](const Summary& s) {
        return format_signed_bytes(static_cast<std::int64_t>(std::llround(s.rss_growth_per_iteration_bytes)));
    });
    line("peak (VmHWM)",
         [](const Summary& s) { return s.hwm_bytes ? format_bytes(*s.hwm_bytes) : std::string("unknown"); });
    line("max rss", [](const Summary& s) { return format_bytes(s.maxrss_bytes); });
    line("stopped", [](const Summary& s) { return std::string(to_string(s.stop_reason)); });
    // The verdict row pads outside the colour, so escape codes never count towards the column width.
    text += fmt::format("  {:<14}", "verdict");
    for (const ReportSeries& run : runs) {
        const std::string word =
            run.summary ? std::string(to_string(run.summary->verdict)) : std::string("-");
        const Verdict verdict = run.summary ? run.summary->verdict : Verdict::inconclusive;
        const fmt::text_style style = verdict == Verdict::leaking  ? growth_style(color)
                                      : verdict == Verdict::stable ? release_style(color)
                                                                   : fmt::text_style{};
        text += fmt::format(" {:>{}}{}", "", 14 - static_cast<int>(word.size()), fmt::styled(word, style));
    }
    text += "\n";
    return text;
}

}  // namespace leakdemo
