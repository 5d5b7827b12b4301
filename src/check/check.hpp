#pragma once

#include "cli/options.hpp"
#include "util/exit_code.hpp"
#include "util/expected.hpp"

namespace leakdemo {

// `leakdemo check` (docs/check.md): the run of `options` again under each leak checker found (valgrind,
// LeakSanitizer preloaded), their reports parsed and set against the summary's expected figures. Success,
// checker_disagrees (5), or a stop signal's code; throws Error when no checker is found or one fails
// (crashes, times out, writes no summary). `options.guard` is the budget resolved by app/ (--max-memory).
Expected<ExitCode> run_check(const Options& options);

// `leakdemo scenarios`: every mode's ScenarioInfo as a wrapped table, JSON Lines or CSV on stdout.
Expected<ExitCode> run_scenarios(const Options& options);

}  // namespace leakdemo
