#pragma once

// Synthetic series for the chart and report tests: numbers chosen by the test, not measured.
#include <cstdint>
#include <string>
#include <string_view>

#include "output/series.hpp"

namespace leakdemo::testing {

// How often `what` occurs in `text` (non-overlapping).
inline std::size_t count_occurrences(const std::string& text, std::string_view what) {
    std::size_t found = 0;
    for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + what.size())) {
        ++found;
    }
    return found;
}

// `samples` records (iteration 0 = baseline) of 4,096,000-byte blocks: RSS starts at 4 MiB and grows by
// `rss_step_bytes` a sample; free mode's max RSS sits 4 MiB above (its first block was mmap'd and returned).
inline ReportSeries synthetic_series(Mode mode, std::uint64_t samples, std::uint64_t rss_step_bytes) {
    constexpr std::uint64_t block = 4096000;
    constexpr std::uint64_t base = std::uint64_t{4} << 20;
    ReportSeries series(mode);
    for (std::uint64_t i = 0; i < samples; ++i) {
        Record record;
        record.iteration = i;
        record.mode = mode;
        record.block_bytes = block;
        record.counters.leaked_bytes = mode == Mode::leak ? i * block : 0;
        record.counters.outstanding_bytes = mode == Mode::free ? 0 : i * block;
        record.sample.rss_bytes = base + i * rss_step_bytes;
        record.sample.maxrss_bytes = record.sample.rss_bytes + (mode == Mode::free ? base : 0);
        series.samples.add(record);
    }
    Summary summary;
    summary.mode = mode;
    summary.iterations = samples > 0 ? samples - 1 : 0;
    summary.verdict = mode == Mode::free ? Verdict::stable : Verdict::leaking;
    series.summary = summary;
    return series;
}

}  // namespace leakdemo::testing
