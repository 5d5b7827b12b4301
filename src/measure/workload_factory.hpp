#pragma once

#include <memory>

#include "measure/workload.hpp"

namespace leakdemo {

// The workload behind `--mode`: BlockWorkload for leak/free/hold, one class per scenario of the zoo.
// Throws Error when the mode cannot be set up (e.g. mallopt refuses --mmap-threshold).
std::unique_ptr<Workload> make_workload(const BlockWorkloadConfig& config);

}  // namespace leakdemo
