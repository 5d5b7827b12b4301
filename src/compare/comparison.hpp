#pragma once

#include <array>

#include "output/series.hpp"

namespace leakdemo {

// What each child of `leakdemo compare` reported, as the HTML report and the chart draw it afterwards: its
// samples in bounded buckets, its first --explain notes, its summary. Constant memory per child however
// long the run, like a single run's series: compare's parent never holds the run's records.
struct Comparison {
    std::array<ReportSeries, 2> runs;
};

}  // namespace leakdemo
