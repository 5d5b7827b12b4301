#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "measure/record.hpp"
#include "measure/sink.hpp"
#include "measure/summary.hpp"
#include "output/bounded_series.hpp"

namespace leakdemo {

// One run as the end-of-run chart and the HTML report draw it: one series for a single run, one per mode
// for `compare` (filled from each child's JSON Lines). Constant memory whatever the run's length (about
// 450 KiB of buckets and the first notes), allocated and written when it is made: a single run makes it
// before its baseline sample, so keeping it does not move the RSS being measured.
// A series that is not one of leakdemo's runs (`leakdemo watch`): it has no mode and no leaked bytes. It is
// named by what was watched, drawn against its sample number with RSS and the tree's summed VmHWM (kept as
// a record's max RSS), and its summary comes as ready-made rows (made after the watch, not while it runs).
struct WatchedProgram {
    std::string name;  // the command line, or "PID N"
    std::vector<std::pair<std::string, std::string>> summary_rows;
    std::string verdict;  // leaking, stable or inconclusive
};

struct ReportSeries {
    ReportSeries() = default;
    explicit ReportSeries(Mode run_mode) : mode(run_mode) {}

    Mode mode = Mode::leak;
    BoundedSeries samples;
    std::optional<Summary> summary;  // nullopt when the run ended without one (a compare child that died)
    BoundedNotes notes;
    std::optional<WatchedProgram> watched;  // set for watch: then `mode` and `summary` mean nothing
    // `leakdemo live`'s key presses ("h: hold mode from iteration 12 on"), drawn as marks on the chart.
    BoundedNotes marks;
};

// The series' key in the report (data-series) and in legends: its mode, or "watched".
inline std::string_view series_key(const ReportSeries& one) {
    return one.watched ? std::string_view("watched") : to_string(one.mode);
}

// What the x axis counts: a run's iterations, or a watch's samples.
inline std::string_view x_axis_name(std::span<const ReportSeries> series) {
    return !series.empty() && series.front().watched ? "sample" : "iteration";
}

// A sink that fills a ReportSeries as the run goes.
class SeriesRecorder final : public Sink {
  public:
    explicit SeriesRecorder(Mode mode) : m_series(mode) {}
    void record(const Record& record) override { m_series.samples.add(record); }
    void note(Mode /*mode*/, std::uint64_t iteration, const std::string& text) override {
        m_series.notes.add(iteration, text);
    }
    void summary(const Summary& summary) override { m_series.summary = summary; }
    void event(std::uint64_t iteration, std::string_view key, const std::string& text) override {
        // "key: text"; the chart's mark shows what comes before the colon.
        std::string mark(key);
        mark += ": ";
        mark += text;
        m_series.marks.add(iteration, mark);
    }

    const ReportSeries& series() const { return m_series; }
    ReportSeries& series() { return m_series; }

  private:
    ReportSeries m_series;
};

}  // namespace leakdemo
