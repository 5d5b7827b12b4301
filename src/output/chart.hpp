#pragma once

#include <span>
#include <string>

#include "output/series.hpp"

namespace leakdemo {

struct ChartStyle {
    int width = 80;   // columns; every line is at most width - 1
    int height = 12;  // rows of the plot area
    bool unicode = true;
};

// An axis step for byte values: a power of two (1, 2, 4 ... KiB/MiB/GiB, round numbers in format_bytes)
// such that at most `max_ticks` steps reach `top`.
std::uint64_t axis_step_bytes(std::uint64_t top, int max_ticks);

// --chart: RSS and max RSS against iteration as a text plot, one glyph pair per series (single runs have
// one series, `compare` one per mode), with a y axis in human units, an iteration axis and a legend. Drawn
// from the series' buckets: a bucket's lowest and highest RSS and its highest max RSS, so peaks are kept.
// Several lines, each ending in '\n'; empty when no series has a sample.
std::string render_chart(std::span<const ReportSeries> series, const ChartStyle& style);

}  // namespace leakdemo
