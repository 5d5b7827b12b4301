#pragma once

#include <optional>
#include <string>

#include "cli/options.hpp"
#include "output/outputs.hpp"

namespace leakdemo {

// Opens -o FILE and creates the --report file (empty until the end), so a bad path is a usage error before
// any allocation: returns nullopt, or one line ("--output: cannot open ...") for exit 2.
// stdout: with -o FILE the terminal keeps the table; with -o - stdout is the file; otherwise --format,
// where auto means the table on a terminal and CSV otherwise. --ascii turns Unicode off on both terminals.
std::optional<std::string> plan_outputs(const Options& options, OutputPlan& plan);

}  // namespace leakdemo
