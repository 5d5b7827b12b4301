#pragma once

#include "cli/options.hpp"
#include "util/exit_code.hpp"
#include "util/expected.hpp"

namespace leakdemo {

// One run of the workload (Command::run): plans the guard and the outputs, wires the real sampler, clock,
// workload and sinks to the run loop, and ends with the summary, the chart and the report. How the run
// ended, or a usage error found before anything was allocated (exit 2). A runtime failure throws Error.
Expected<ExitCode> run_single(const Options& options);

}  // namespace leakdemo
