#pragma once

#include <cstdint>

#include "measure/sample.hpp"
#include "measure/workload.hpp"

namespace leakdemo {

// One row of output: the sample taken after iteration `iteration` (0 = baseline before any
// allocation), with the workload's exact counters at that moment.
struct Record {
    std::uint64_t iteration = 0;
    std::int64_t elapsed_ns = 0;  // since the baseline sample
    Mode mode = Mode::leak;
    std::uint64_t block_bytes = 0;
    WorkloadCounters counters;
    MemorySample sample;
};

}  // namespace leakdemo
