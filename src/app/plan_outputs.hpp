#pragma once

#include "cli/options.hpp"
#include "output/outputs.hpp"
#include "util/expected.hpp"

namespace leakdemo {

// Opens -o FILE and creates the --report file (empty until the end), so a bad path is a usage error before
// any allocation: the plan, or one line ("--output: cannot open ...") for exit 2.
// stdout: with -o FILE the terminal keeps the table; with -o - stdout is the file; otherwise --format,
// where auto means the table on a terminal and CSV otherwise. --ascii turns Unicode off on both terminals.
Expected<OutputPlan> plan_outputs(const Options& options);

}  // namespace leakdemo
