#pragma once

// Options that are valid but do nothing in the run they were given for (--trim where nothing is freed,
// --bars without a table, ...) or that change what was asked (--huge-pages rounding the block): said once,
// before the run, so a user never wonders why a flag "did not work". No CLI11 here.
#include <string>
#include <vector>

#include "cli/options.hpp"

namespace leakdemo {

// One sentence per option, each naming its flag ("--trim: has no effect in leak mode ..."), in a stable
// order. `stdout_format` is the format stdout really gets (auto resolved: table on a terminal, else CSV).
std::vector<std::string> ineffective_options(const Options& options, Format stdout_format);

// The same as "leakdemo: warning: ...\n" lines for stderr; empty with -q.
std::string warning_lines(const Options& options, Format stdout_format);

}  // namespace leakdemo
