#pragma once

// Step (c) of reading the command line: options that are fine alone but not together. No CLI11 here, so
// tests call it directly. The two exclusions --help shows ("--quiet excludes --summary-only",
// "--max-memory excludes --no-guard") stay declared in cli.cpp, where CLI11 prints them.
#include "cli/convert.hpp"
#include "util/expected.hpp"

namespace leakdemo {

// The first combination that cannot work, as one line naming the flag, or success.
Status check_combinations(const RawOptions& raw);

}  // namespace leakdemo
