#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "cli/options.hpp"
#include "measure/guard.hpp"
#include "output/outputs.hpp"
#include "util/exit_code.hpp"
#include "util/expected.hpp"

namespace leakdemo {

// Why `leakdemo live` cannot start here: stdin or stdout is not a terminal (a usage error, exit 2); nullopt
// when both are. One line that fits 80 columns after "leakdemo: error: " (STYLE.md).
std::optional<std::string> live_terminal_problem(int in_fd, int out_fd);

// `leakdemo live` (docs/live.md): app has planned the guard and the outputs; this makes every mode's
// workload, the sampler and the screen, takes over the terminal, runs the loop driven by keys, gives the
// terminal back on every way out, then writes -o and --report and prints the summary on the normal
// screen. Exit: 0 after q (4 with --fail-on-leak and a leak), 3 guard or failed allocation, 129/130/143
// signals. A runtime failure throws Error (after the terminal is restored).
Expected<ExitCode> run_live(const Options& options, Guard& guard, std::optional<std::uint64_t> budget_bytes,
                            const std::string& guard_notes, const OutputPlan& outputs);

}  // namespace leakdemo
