#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "measure/clock.hpp"
#include "measure/guard.hpp"
#include "measure/sampler.hpp"
#include "measure/sink.hpp"
#include "measure/summary.hpp"
#include "measure/workload.hpp"

namespace leakdemo {

struct LoopConfig {
    std::optional<std::uint64_t> iterations;  // nullopt: until stopped
    std::chrono::nanoseconds interval = std::chrono::seconds(1);
    std::optional<std::uint64_t> budget_bytes{};  // the guard's budget, for the summary's time to the limit
};

// What stopped the loop, for the caller's message and exit code.
struct LoopResult {
    Summary summary;
    int signal_number = 0;     // set when stop_reason is interrupted
    std::string stop_message;  // alloc_failed / guard: one line for stderr
};

// Asked before each iteration (not the baseline) whether it may start: compare's children wait there for
// the parent's go, so the two stay in step. Blocks until then; false means stop (a stop signal came, or the
// one who paces the loop went away).
class StepGate {
  public:
    virtual ~StepGate() = default;
    virtual bool wait_for_step() = 0;
};

// Who the loop talks to. Every side effect is injected, so tests drive the loop with fakes.
struct LoopParts {
    Sampler& sampler;
    Clock& clock;
    Workload& workload;
    Guard& guard;
    Sink& sink;
    int (*stop_requested)() = nullptr;  // returns the signal number asking to stop, or 0
    StepGate* step_gate = nullptr;      // nullptr: every iteration may start at once
};

// Sample 0 is the baseline before any allocation; sample k is taken right after iteration k.
// Iteration k starts one interval after iteration k-1 was scheduled, on the monotonic clock, so the period
// does not drift by the time the work itself takes. A tick already past when the loop is ready to sleep
// (after a pause or a slow iteration) is skipped: the schedule restarts one interval from now.
LoopResult run_loop(const LoopConfig& config, LoopParts parts);

}  // namespace leakdemo
