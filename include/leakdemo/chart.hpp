#pragma once

#include <span>
#include <string>

#include "leakdemo/series.hpp"

namespace leakdemo {

struct ChartStyle {
    int width = 80;    // columns; every line is at most width - 1
    int height = 12;   // rows of the plot area
    bool unicode = true;
};

// --chart: RSS and max RSS against iteration as a text plot, one glyph pair per series (single runs have
// one series, `compare` one per mode), with a y axis in human units, an iteration axis and a legend.
// Several lines, each ending in '\n'; empty when no series has a sample.
std::string render_chart(std::span<const ReportSeries> series, const ChartStyle& style);

}  // namespace leakdemo
