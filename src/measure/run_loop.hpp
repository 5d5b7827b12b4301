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
    Mode mode = Mode::leak;
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

// Who the loop talks to. Every side effect is injected, so tests drive the loop with fakes.
struct LoopParts {
    Sampler& sampler;
    Clock& clock;
    Workload& workload;
    Guard& guard;
    Sink& sink;
    int (*stop_requested)() = nullptr;  // returns the signal number asking to stop, or 0
};

// Sample 0 is the baseline before any allocation; sample k is taken right after iteration k.
// Iteration k starts at baseline + k*interval on the monotonic clock, so the period does not drift
// by the time the work itself takes.
LoopResult run_loop(const LoopConfig& config, LoopParts parts);

}  // namespace leakdemo
