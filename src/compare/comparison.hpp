#pragma once

#include <array>

#include "output/series.hpp"

namespace leakdemo {

// What each child of `leakdemo compare` reported, kept whole (records in order from the baseline, summary,
// --explain notes) so the HTML report and the chart can draw the run afterwards. compare's own memory
// grows with the records; the children, which are what is measured, do not.
struct Comparison {
    std::array<ReportSeries, 2> runs;
};

}  // namespace leakdemo
