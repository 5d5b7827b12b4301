#pragma once

#include <span>

#include "cli/options.hpp"
#include "measure/run_loop.hpp"
#include "output/human_summary.hpp"
#include "output/series.hpp"
#include "output/terminal.hpp"
#include "util/exit_code.hpp"

namespace leakdemo {

// How one run ends, for a plain run and for `leakdemo live` alike: on stderr why it stopped early, the
// summary in words (not with -q or --summary-only; `session`: live's modes, format_human_summary) and the
// --chart.
void print_run_ending(const Options& options, const LoopResult& result, const TerminalCaps& stderr_caps,
                      std::span<const ReportSeries> series, std::span<const ModeUse> session = {});

// The exit code that says how the run ended. `quit_by_key`: live's q stops the loop as interrupted, but it
// is the way out the user chose, not a signal (exit 0).
ExitCode run_exit_code(const Options& options, const LoopResult& result, bool quit_by_key = false);

}  // namespace leakdemo
