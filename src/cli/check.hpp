#pragma once

// Step (c) of reading the command line: options that are fine alone but not together. No CLI11 here, so
// tests call it directly. The two exclusions --help shows ("--quiet excludes --summary-only",
// "--max-memory excludes --no-guard") stay declared in cli.cpp, where CLI11 prints them.
#include <span>
#include <string_view>

#include "cli/convert.hpp"
#include "util/expected.hpp"

namespace leakdemo {

// The first combination that cannot work, as one line naming the flag, or success.
Status check_combinations(const RawOptions& raw);

// The top-level options a subcommand that falls through (compare, watch) accepts from the parser but
// refuses here: its --help and the completion scripts leave them out. Empty for any other name.
std::span<const std::string_view> options_refused_by(std::string_view subcommand);

// The only top-level options a subcommand takes when it takes few (scenarios: --format, --color): it
// refuses every other one, and its --help and completions show only these. Empty for any other name.
std::span<const std::string_view> options_only_taken_by(std::string_view subcommand);

}  // namespace leakdemo
