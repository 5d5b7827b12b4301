#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace leakdemo {

// Asked before every allocation. A refusal stops the run cleanly (stop_reason guard, exit 3) before the
// kernel's OOM killer would end it with SIGKILL.
class Guard {
  public:
    virtual ~Guard() = default;
    // nullopt to allow a step of `step_bytes` (one block, or a zoo mode's several) on top of
    // `outstanding_bytes`, else why not.
    virtual std::optional<std::string> refuse(std::uint64_t outstanding_bytes, std::uint64_t step_bytes) = 0;
    // Called right before the baseline sample: does once what refuse() will do now and then (read /proc and
    // cgroup files), so the heap already holds those buffers and the run's first re-read adds no page.
    virtual void warm_up() {}
};

// --no-guard.
class NoGuard final : public Guard {
  public:
    std::optional<std::string> refuse(std::uint64_t, std::uint64_t) override { return std::nullopt; }
};

}  // namespace leakdemo
