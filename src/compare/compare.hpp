#pragma once

#include "cli/options.hpp"
#include "compare/comparison.hpp"
#include "output/outputs.hpp"
#include "util/exit_code.hpp"
#include "util/expected.hpp"

namespace leakdemo {

// `leakdemo compare`: the same workload in two modes at once, each in its own child process of leakdemo
// (so each has its own RSS), merged into one live view. Linux only (fork, prctl, /proc/self/exe).
// The parts: child_arguments (each child's argv), child_process (start, read, reap, kill), decode (their
// JSON Lines), session (the event loop), compare_view (the merged rows), and here the ending.

// Starts both children, shows their rows as they arrive (table, CSV or JSON Lines per `options`), and
// returns once both children are gone: never leaves one running. Writes --report however it ended; prints
// the two-column summary (unless -q) and --chart on stderr. The exit code says how it ended (a stop signal,
// a child stopped early by its guard, --fail-on-leak); a failing child stops the other and is the error,
// one line naming the mode and the reason. `outputs` was planned (plan_outputs) before anything started,
// as for a single run.
Expected<ExitCode> run_compare(const Options& options, const OutputPlan& outputs);

}  // namespace leakdemo
