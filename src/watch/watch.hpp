#pragma once

#include <optional>
#include <string>

#include "cli/options.hpp"
#include "measure/memory_guard.hpp"
#include "output/outputs.hpp"
#include "util/exit_code.hpp"
#include "util/expected.hpp"

namespace leakdemo {

// `leakdemo watch` (docs/watch.md), once app has planned the guard (`budget`, nullopt for none, and the
// line `guard_notes` for stderr) and the outputs as for a run: starts COMMAND (or attaches to --pid),
// samples the tree until it ends, and returns the exit status (COMMAND's own, 128+N, 126/127, 3, 4). A
// usage error before anything started is a failed Expected (exit 2); a runtime failure throws Error.
Expected<ExitCode> run_watch(const Options& options, const std::optional<Budget>& budget,
                             const std::string& guard_notes, const OutputPlan& outputs);

}  // namespace leakdemo
