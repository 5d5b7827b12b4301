#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "cli/options.hpp"
#include "measure/clock.hpp"
#include "measure/guard.hpp"
#include "measure/memory_guard.hpp"
#include "util/expected.hpp"

namespace leakdemo {

// The memory guard's plan, settled before anything is allocated or created. `notes` is what stderr says
// once the run is sure to start: the budget and its source, or a warning.
struct GuardPlan {
    std::optional<Budget> budget;  // nullopt: no guard
    std::string notes;
};

// The plan for `options`, or a usage error (exit 2): --max-memory more than the system can give, or a block
// larger than the budget. `compare` plans with two shares: each child guards its share of the budget
// (two leaking children, each allowed the whole budget, would together pass it).
Expected<GuardPlan> plan_guard(const Options& options, const SystemReader& system, std::uint64_t shares);

// The Guard the run loop asks: a MemoryGuard on the plan's budget, or NoGuard.
std::unique_ptr<Guard> make_guard(const GuardPlan& plan, const SystemReader& system, Clock& clock);

}  // namespace leakdemo
