#pragma once

// One leak checker's run of leakdemo, as a child: started with compare's child_process, its stdout (the
// JSON summary) decoded with compare's reader, its stderr kept (the end, for an error line), a stop signal
// or Ctrl-Z followed, a time limit kept; reaped on every way out, so no checker is ever left running.

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "compare/child_process.hpp"
#include "measure/summary.hpp"

namespace leakdemo {

struct CheckerRun {
    std::optional<Summary> summary;  // the run's summary record, if it wrote one
    Child child;                     // reaped: its wait status and the end of its stderr
    int stop_signal = 0;             // SIGINT/SIGTERM/SIGHUP that stopped check (the child was killed)
    bool timed_out = false;          // killed after the time limit
    std::string bad_line;            // the first stdout line that is not a leakdemo record, if any
};

// `tick`, when given, is called with the time since the start about once a second while the child runs
// (check's status line).
using CheckerTick = std::function<void(std::chrono::nanoseconds elapsed)>;
CheckerRun run_checker(const std::vector<std::string>& args, const ExecTarget& target,
                       std::chrono::nanoseconds timeout, const CheckerTick& tick = {});

}  // namespace leakdemo
