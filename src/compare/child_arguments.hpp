#pragma once

#include <string>
#include <vector>

#include "cli/options.hpp"

namespace leakdemo {

// The argv (argv[0] included) of the compare child that runs `mode`: the workload flags of `options`, then
// --mode, --format jsonl and -q. One place, so every flag meant for the children is forwarded here.
std::vector<std::string> compare_child_arguments(const Options& options, Mode mode);

// The argv of a run of `mode` with the workload, guard and allocator flags of `options` (argv[0] included),
// and no output flags: what compare and check both forward.
std::vector<std::string> workload_arguments(const Options& options, Mode mode);

}  // namespace leakdemo
