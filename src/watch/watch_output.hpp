#pragma once

// Where watch's samples, notes and summary go: the table (a terminal), CSV, JSON Lines, -o FILE, and the
// recorder behind --chart and --report, which takes each sample as a run's Record (iteration, elapsed,
// RSS, VmHWM as max RSS, VSZ, faults) so the chart and the report are the run's own, not copies.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "measure/sink.hpp"
#include "measure/watch_record.hpp"
#include "output/formats.hpp"
#include "output/output.hpp"
#include "output/terminal.hpp"

namespace leakdemo {

class WatchSink {
  public:
    virtual ~WatchSink() = default;
    virtual void record(const WatchRecord& record) = 0;
    virtual void note(std::uint64_t /*iteration*/, const std::string& /*text*/) {}
    virtual void summary(const WatchSummary& /*summary*/) {}
};

std::unique_ptr<WatchSink> make_watch_csv_sink(LineWriter& out);
std::unique_ptr<WatchSink> make_watch_jsonl_sink(LineWriter& out);
std::unique_ptr<WatchSink> make_watch_table_sink(LineWriter& out, const TerminalCaps& caps);
// Notes on stderr ("leakdemo: note: sample N: ..."), for formats that have no place for prose.
std::unique_ptr<WatchSink> make_watch_stderr_notes();
// Passes each sample on as a Record (and notes, and a run-shaped summary) to `downstream`: the
// SeriesRecorder of --chart and --report.
std::unique_ptr<WatchSink> make_watch_series_adapter(Sink& downstream);
std::unique_ptr<WatchSink> make_watch_sink(Format format, LineWriter& out, const TerminalCaps& caps);

class WatchFanout final : public WatchSink {
  public:
    void add(WatchSink* sink) { m_sinks.push_back(sink); }
    void record(const WatchRecord& record) override;
    void note(std::uint64_t iteration, const std::string& text) override;
    void summary(const WatchSummary& summary) override;

  private:
    std::vector<WatchSink*> m_sinks;
};

// The summary for people, several lines (stderr, or stdout with --summary-only).
std::string format_watch_summary(const WatchSummary& summary, bool color);
// The summary as the report's rows (name, value), in the words of the human summary.
std::vector<std::pair<std::string, std::string>> watch_summary_rows(const WatchSummary& summary);
// --summary-only: the summary alone, in `format` (human, one CSV row under its header, one JSON object).
void append_watch_summary(fmt::memory_buffer& line, Format format, const WatchSummary& summary, bool color);

}  // namespace leakdemo
