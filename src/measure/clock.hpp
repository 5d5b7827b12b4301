#pragma once

#include <chrono>

namespace leakdemo {

// Time for the run loop, behind an interface so loop tests never sleep.
class Clock {
  public:
    virtual ~Clock() = default;
    virtual std::chrono::nanoseconds now() = 0;
    // Sleeps until `deadline` (on the now() scale). Returns early, with false, when a stop was requested.
    virtual bool sleep_until(std::chrono::nanoseconds deadline) = 0;
};

// CLOCK_MONOTONIC; the sleep is a ppoll() that SIGINT/SIGTERM/SIGHUP interrupt at once (see signals.hpp).
class MonotonicClock final : public Clock {
  public:
    std::chrono::nanoseconds now() override;
    bool sleep_until(std::chrono::nanoseconds deadline) override;
};

}  // namespace leakdemo
