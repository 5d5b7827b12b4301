#pragma once

#include <optional>
#include <string>

#include "cli/options.hpp"
#include "compare/comparison.hpp"

namespace leakdemo {

class RowMerger;

// How compare's two children ended, as the session saw it.
struct SessionEnd {
    // The first failure (a child that ended badly or wrote a line that is not a leakdemo record): one line,
    // for `leakdemo: error: ...`. The other child was stopped.
    std::optional<std::string> failure;
    // A child that stopped early by design (its memory guard or a failed malloc: its exit 3) is no failure:
    // the other child is stopped too, both summaries are kept. One line for stderr.
    std::optional<std::string> stop_message;
    int stop_signal = 0;         // SIGINT, SIGTERM or SIGHUP compare received and forwarded; 0 if none
    bool output_closed = false;  // the reader of stdout went away (`| head`)
};

// Starts both children (modes from options.compare_modes), decodes their lines into `comparison` as they
// arrive and lets `merger` pass the rows on, forwards a stop signal to both (and Ctrl-Z / SIGCONT: they
// stop and resume with compare), stops the other when one ends
// badly (SIGTERM, SIGKILL after a grace period), and returns once both are reaped: never leaves one running.
// Throws Error when a child cannot be started.
SessionEnd run_session(const Options& options, Comparison& comparison, RowMerger& merger);

}  // namespace leakdemo
