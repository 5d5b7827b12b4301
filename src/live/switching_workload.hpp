#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "measure/workload.hpp"
#include "util/enum_names.hpp"

namespace leakdemo {

// One mode `leakdemo live` can switch to: its workload, or why there is none (make_workload refused it).
struct ModeSlot {
    Mode mode = Mode::leak;
    std::unique_ptr<Workload> workload;  // null when unavailable
    std::string unavailable;             // make_workload's reason, when workload is null
};

// `leakdemo live`'s workload: one workload per mode, all made up front (before the baseline sample; their
// constructors allocate none of the workload's memory), of which one at a time takes the steps. The
// counters and what the leak checkers should find at exit are the sums over all of them, so switching
// from hold to free keeps the held blocks counted (and reachable) until `r` releases them.
class SwitchingWorkload final : public Workload {
  public:
    static constexpr std::size_t mode_count = enum_names<Mode>.size();

    // Every mode of enum_names<Mode>, each from `config` with its own mode; starts in config.mode, which
    // must be available (throws make_workload's Error otherwise).
    explicit SwitchingWorkload(const BlockWorkloadConfig& config);

    bool step() override;
    const WorkloadCounters& counters() const override { return m_counters; }
    std::uint64_t block_bytes() const override { return current().block_bytes(); }
    LeakClassification expected_at_exit() const override;
    Mode mode() const override { return m_slots[m_current].mode; }
    // Every mode's reachable blocks (hold's container ...), freed; the bytes freed in all.
    std::uint64_t release_reachable() override;

    // Later steps use `mode`; false (nothing changes) when that mode is unavailable.
    bool switch_to(Mode mode);
    const std::array<ModeSlot, mode_count>& slots() const { return m_slots; }

  private:
    const Workload& current() const { return *m_slots[m_current].workload; }
    void sum_counters();

    std::array<ModeSlot, mode_count> m_slots;
    std::size_t m_current = 0;
    WorkloadCounters m_counters;
};

}  // namespace leakdemo
