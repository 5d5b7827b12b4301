#include "watch/watch_output.hpp"

#include <fmt/format.h>

#include <array>
#include <cmath>

#include "measure/record.hpp"
#include "measure/summary.hpp"
#include "output/encode.hpp"
#include "output/human_summary.hpp"
#include "output/line_sinks.hpp"
#include "output/style.hpp"
#include "output/table.hpp"
#include "util/units.hpp"

namespace leakdemo {
namespace {

// watch's JSON Lines: samples and the summary from the run's template; its notes are `watch_note` records
// (a run's `note` names a mode).
class WatchJsonlSink final : public JsonlLineSink<WatchSink, WatchRecord, WatchSummary> {
  public:
    using JsonlLineSink::JsonlLineSink;
    void note(std::uint64_t iteration, const std::string& text) override {
        m_lines.write([&](fmt::memory_buffer& line) { append_jsonl_watch_note(line, iteration, text); });
    }
};

constexpr std::array<Column, 9> watch_columns{{{6, Align::right},
                                               {8, Align::right},
                                               {5, Align::right},
                                               {11, Align::right},
                                               {11, Align::right},
                                               {11, Align::right},
                                               {11, Align::right},
                                               {11, Align::right},
                                               {14, Align::right}}};

std::string optional_bytes(const std::optional<std::uint64_t>& bytes) {
    return bytes ? format_bytes(*bytes) : std::string("-");
}

class WatchTableSink final : public WatchSink {
  public:
    WatchTableSink(LineWriter& out, const TerminalCaps& caps) : m_out(out), m_caps(caps) {}
    void record(const WatchRecord& r) override {
        m_line.clear();
        if (!m_header_written) {
            RowFormatter header(m_line, watch_columns);
            // Unicode only where the terminal's locale has it, as the run's table does.
            for (const char* title : {"sample", "elapsed", "procs", "rss", m_caps.unicode ? "Δ rss" : "d rss",
                                      "anon", "file", "pss", "to budget"}) {
                header.put(title);
            }
            end_line(m_line);
            m_header_written = true;
        }
        const std::int64_t delta = m_previous_rss ? static_cast<std::int64_t>(r.rss_bytes) -
                                                        static_cast<std::int64_t>(*m_previous_rss)
                                                  : 0;
        m_previous_rss = r.rss_bytes;
        const fmt::text_style delta_style = delta > 0   ? growth_style(m_caps.color)
                                            : delta < 0 ? release_style(m_caps.color)
                                                        : fmt::text_style{};
        RowFormatter row(m_line, watch_columns);
        row.cell("{}", r.iteration).cell("{:.2f}s", static_cast<double>(r.elapsed_ns) / 1e9);
        row.cell("{}", r.processes).put(format_bytes(r.rss_bytes));
        row.put(format_signed_bytes(delta), delta_style);
        row.put(format_bytes(r.rss_anon_bytes)).put(format_bytes(r.rss_file_bytes));
        row.put(optional_bytes(r.pss_bytes));
        row.put(r.budget_eta_s ? format_eta_words(*r.budget_eta_s) : std::string("-"));
        end_line(m_line, true);
        m_out.write_line(m_line);
    }
    void note(std::uint64_t /*iteration*/, const std::string& text) override {
        m_line.clear();
        append_note(m_line, NoteLayout{7, m_caps.unicode, m_caps.width > 0 ? std::size_t(m_caps.width) : 0},
                    text);
        m_out.write_line(m_line);
    }

  private:
    LineWriter& m_out;
    TerminalCaps m_caps;
    fmt::memory_buffer m_line;
    bool m_header_written = false;
    std::optional<std::uint64_t> m_previous_rss;
};

class WatchStderrNotes final : public WatchSink {
  public:
    void record(const WatchRecord& /*record*/) override {}
    void note(std::uint64_t iteration, const std::string& text) override {
        print_stderr(fmt::format("leakdemo: note: sample {}: {}\n", iteration, text));
    }
};

class WatchSeriesAdapter final : public WatchSink {
  public:
    explicit WatchSeriesAdapter(Sink& downstream) : m_downstream(downstream) {}
    void record(const WatchRecord& r) override {
        Record record;
        record.iteration = r.iteration;
        record.elapsed_ns = r.elapsed_ns;
        record.sample.rss_bytes = r.rss_bytes;
        record.sample.maxrss_bytes = r.hwm_bytes;
        record.sample.vsz_bytes = r.vsz_bytes;
        record.sample.minor_faults = r.minor_faults;
        record.sample.major_faults = r.major_faults;
        m_downstream.record(record);
    }
    void note(std::uint64_t iteration, const std::string& text) override {
        m_downstream.note(Mode::leak, iteration, text);
    }

  private:
    Sink& m_downstream;
};

}  // namespace

std::unique_ptr<WatchSink> make_watch_csv_sink(LineWriter& out) {
    return std::make_unique<CsvLineSink<WatchSink, WatchRecord>>(out);
}
std::unique_ptr<WatchSink> make_watch_jsonl_sink(LineWriter& out) {
    return std::make_unique<WatchJsonlSink>(out);
}
std::unique_ptr<WatchSink> make_watch_table_sink(LineWriter& out, const TerminalCaps& caps) {
    return std::make_unique<WatchTableSink>(out, caps);
}
std::unique_ptr<WatchSink> make_watch_stderr_notes() {
    return std::make_unique<WatchStderrNotes>();
}
std::unique_ptr<WatchSink> make_watch_series_adapter(Sink& downstream) {
    return std::make_unique<WatchSeriesAdapter>(downstream);
}
std::unique_ptr<WatchSink> make_watch_sink(Format format, LineWriter& out, const TerminalCaps& caps) {
    switch (format) {
        case Format::csv:
            return make_watch_csv_sink(out);
        case Format::jsonl:
            return make_watch_jsonl_sink(out);
        case Format::table:
        case Format::automatic:
            break;
    }
    return make_watch_table_sink(out, caps);
}

void WatchFanout::record(const WatchRecord& record) {
    for (WatchSink* sink : m_sinks) {
        sink->record(record);
    }
}
void WatchFanout::note(std::uint64_t iteration, const std::string& text) {
    for (WatchSink* sink : m_sinks) {
        sink->note(iteration, text);
    }
}
void WatchFanout::summary(const WatchSummary& summary) {
    for (WatchSink* sink : m_sinks) {
        sink->summary(summary);
    }
}

std::string format_watch_summary(const WatchSummary& s, bool color) {
    std::string text = fmt::format("leakdemo: watched PID {}, {} sample{} in {:.2f} s ({}", s.pid, s.samples,
                                   s.samples == 1 ? "" : "s", s.elapsed_s, to_string(s.stop_reason));
    text += s.exit_status ? fmt::format(", exit status {})\n", *s.exit_status) : std::string(")\n");
    text += fmt::format("  processes    up to {} summed\n", s.max_processes);
    text +=
        fmt::format("  RSS          {} -> {} (peak {}; VmHWM sum {})\n", format_bytes(s.rss_start_bytes),
                    format_bytes(s.rss_end_bytes), format_bytes(s.peak_rss_bytes), format_bytes(s.hwm_bytes));
    if (s.peak_pss_bytes) {
        text += fmt::format("  PSS          peak {} (of the reads, every --pss-interval)\n",
                            format_bytes(*s.peak_pss_bytes));
    }
    text +=
        fmt::format("  rate         {}/s of {} after a {:.1f} s warm-up (leaking from {}/s)\n",
                    format_signed_bytes(std::llround(s.slope_bytes_per_s)), to_string(s.metric), s.warmup_s,
                    format_bytes(static_cast<std::uint64_t>(std::llround(s.leak_rate_bytes_per_s))));
    text += format_budget_line(s.budget_bytes, s.budget_eta_s);
    const fmt::text_style style = s.verdict == WatchVerdict::leaking  ? growth_style(color)
                                  : s.verdict == WatchVerdict::stable ? release_style(color)
                                                                      : fmt::text_style{};
    text += fmt::format(
        "  verdict      {}{}\n", fmt::styled(to_string(s.verdict), style),
        s.verdict == WatchVerdict::inconclusive ? " (fewer than 10 samples after the warm-up)" : "");
    return text;
}

std::vector<std::pair<std::string, std::string>> watch_summary_rows(const WatchSummary& s) {
    std::vector<std::pair<std::string, std::string>> rows;
    rows.emplace_back("PID", fmt::format("{}", s.pid));
    rows.emplace_back("samples", fmt::format("{} in {:.2f} s", s.samples, s.elapsed_s));
    rows.emplace_back("processes", fmt::format("up to {} summed", s.max_processes));
    rows.emplace_back("RSS start → end",
                      fmt::format("{} → {}", format_bytes(s.rss_start_bytes), format_bytes(s.rss_end_bytes)));
    rows.emplace_back("peak RSS", format_bytes(s.peak_rss_bytes));
    rows.emplace_back("VmHWM (sum, a high-water mark)", format_bytes(s.hwm_bytes));
    rows.emplace_back("peak PSS (of the reads, every --pss-interval)",
                      s.peak_pss_bytes ? format_bytes(*s.peak_pss_bytes) : std::string("unknown"));
    rows.emplace_back(
        "rate",
        fmt::format("{}/s of {} after a {:.1f} s warm-up (leaking from {}/s)",
                    format_signed_bytes(std::llround(s.slope_bytes_per_s)), to_string(s.metric), s.warmup_s,
                    format_bytes(static_cast<std::uint64_t>(std::llround(s.leak_rate_bytes_per_s)))));
    if (s.budget_bytes) {
        rows.emplace_back("budget",
                          s.budget_eta_s
                              ? fmt::format("{}, reached in {} at this rate", format_bytes(*s.budget_bytes),
                                            format_eta_words(*s.budget_eta_s))
                              : fmt::format("{}, not growing", format_bytes(*s.budget_bytes)));
    }
    rows.emplace_back("stopped", s.exit_status ? fmt::format("{} (exit status {})", to_string(s.stop_reason),
                                                             *s.exit_status)
                                               : std::string(to_string(s.stop_reason)));
    return rows;
}

void append_watch_summary(fmt::memory_buffer& line, Format format, const WatchSummary& summary, bool color) {
    switch (format) {
        case Format::jsonl:
            append_jsonl_summary(line, summary);
            return;
        case Format::csv:
            line.append(csv_watch_summary_header);
            append_csv_summary_row(line, summary);
            return;
        case Format::table:
        case Format::automatic:
            break;
    }
    const std::string text = format_watch_summary(summary, color);
    line.append(text);
}

}  // namespace leakdemo
