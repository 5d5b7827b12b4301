#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "cli/options.hpp"
#include "measure/record.hpp"
#include "measure/summary.hpp"
#include "output/outputs.hpp"
#include "output/series.hpp"
#include "util/exit_code.hpp"
#include "util/units.hpp"

namespace leakdemo {

// `leakdemo compare`: the same workload in two modes at once, each in its own child process of leakdemo
// (so each has its own RSS), merged into one live view. Linux only (fork, prctl, /proc/self/exe).

// What each child reported, kept whole (records in order from the baseline, summary, --explain notes) so
// the HTML report and the chart can draw the run afterwards. compare's own memory grows with the records;
// the children, which are what is measured, do not.
struct Comparison {
    std::array<ReportSeries, 2> runs;
};

struct CompareResult {
    ExitCode exit_code = ExitCode::success;
    std::string failure;  // one line for `leakdemo: error: ...` when a child failed; empty otherwise
    // A child that stopped early by design (its memory guard or a failed malloc: its exit 3) is no failure:
    // the other child is stopped too, both summaries are shown, compare exits 3. One line for stderr.
    std::string stop_message;
    Comparison comparison;
};

// The argv (argv[0] included) of the child that runs `mode`: the workload flags of `options`, then
// --mode, --format jsonl and -q. One place, so every flag meant for the children is forwarded here.
std::vector<std::string> compare_child_arguments(const Options& options, Mode mode);

// Starts both children, shows their rows as they arrive (table, CSV or JSON Lines per `options`), and
// returns once both children are gone: never leaves one running. Prints the two-column summary on stderr
// unless -q. A failing child stops the other; `failure` then names the mode and the reason.
// `outputs` was planned (plan_outputs) before anything started, as for a single run.
CompareResult run_compare(const Options& options, const OutputPlan& outputs);

}  // namespace leakdemo
