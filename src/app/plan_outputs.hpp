#pragma once

#include "cli/options.hpp"
#include "output/outputs.hpp"
#include "util/expected.hpp"

namespace leakdemo {

// Checks -o FILE and --report FILE and creates their temporary files (output/safe_file.hpp), so a bad path
// (not a regular file, an unwritable directory, the same file twice) is a usage error before any
// allocation: the plan, or one line ("--output: PATH is a FIFO, not a regular file") for exit 2.
// stdout: with -o FILE the terminal keeps the table; with -o - stdout is the file; otherwise --format,
// where auto means the table on a terminal and CSV otherwise. --ascii turns Unicode off on both terminals.
Expected<OutputPlan> plan_outputs(const Options& options);

}  // namespace leakdemo
