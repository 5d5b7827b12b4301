#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "measure/record.hpp"
#include "measure/sink.hpp"
#include "measure/summary.hpp"

namespace leakdemo {

// An --explain note as the report and the chart keep it.
struct Note {
    std::uint64_t iteration = 0;
    std::string text;
};

// One run's samples in memory, for the end-of-run chart and the HTML report: one series for a single run,
// one per mode for `compare` (filled from each child's JSON Lines). About sizeof(Record) (136 bytes) per
// sample, so it is only kept when
// --chart or --report asked for it; the run loop itself keeps nothing per sample.
struct ReportSeries {
    Mode mode = Mode::leak;
    std::vector<Record> records;
    std::optional<Summary> summary;  // nullopt when the run ended without one (a compare child that died)
    std::vector<Note> notes;
};

// A sink that fills a ReportSeries as the run goes.
class SeriesRecorder final : public Sink {
  public:
    explicit SeriesRecorder(Mode mode) { m_series.mode = mode; }
    void record(const Record& record) override { m_series.records.push_back(record); }
    void note(Mode /*mode*/, std::uint64_t iteration, const std::string& text) override {
        m_series.notes.push_back(Note{iteration, text});
    }
    void summary(const Summary& summary) override { m_series.summary = summary; }

    const ReportSeries& series() const { return m_series; }
    ReportSeries& series() { return m_series; }

  private:
    ReportSeries m_series;
};

}  // namespace leakdemo
