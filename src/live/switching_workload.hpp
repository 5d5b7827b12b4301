#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <span>
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
// from hold to free keeps the held blocks counted (and reachable) until `r` releases them. What one step
// may add (the guard's question) is the current mode's; what the verdict judges against is the session's.
class SwitchingWorkload final : public Workload {
  public:
    static constexpr std::size_t mode_count = enum_names<Mode>.size();
    using PerMode = std::array<std::uint64_t, mode_count>;  // one figure per mode, in enum_names<Mode> order

    // Every mode of enum_names<Mode>, each from `config` with its own mode; starts in config.mode, which
    // must be available (throws make_workload's Error otherwise).
    explicit SwitchingWorkload(const BlockWorkloadConfig& config);
    // Ready-made slots, one per mode in enum_names<Mode> order (tests hand in fakes); `start` must have a
    // workload.
    SwitchingWorkload(std::array<ModeSlot, mode_count> slots, Mode start);

    bool step() override;
    const WorkloadCounters& counters() const override { return m_counters; }
    std::uint64_t block_bytes() const override { return current().block_bytes(); }
    // The current mode's: a chain, a shared pair, every thread's block ... (the guard asks before a step).
    std::uint64_t step_bytes() const override { return current().step_bytes(); }
    // The session's: the largest `retained_bytes` of the modes that ran a step, and as `step_bytes` that
    // plus the largest one-time part (step - retained) of any of them, so neither a leak phase (retained)
    // nor free mode's one-time step (transient) is diluted by the other modes. Before any step: the
    // current mode's.
    VerdictBasis verdict_basis() const override;
    LeakClassification expected_at_exit() const override;
    Mode mode() const override { return m_slots[m_current].mode; }
    // Every mode's reachable memory (hold's blocks, cache's map entries, fragment's kept chunks), freed; the
    // bytes freed in all.
    std::uint64_t release_reachable() override;
    // The same, with the bytes each mode freed.
    PerMode release_reachable_by_mode();

    // Later steps use `mode`; false (nothing changes) when that mode is unavailable.
    bool switch_to(Mode mode);
    const std::array<ModeSlot, mode_count>& slots() const { return m_slots; }

    // The modes that ran at least one step, in the order they first did.
    std::span<const Mode> modes_used() const { return {m_used.data(), m_used_count}; }
    // The steps `mode` ran (successful ones: the iterations it produced).
    std::uint64_t iterations_in(Mode mode) const;
    // What `mode` holds now: allocated, not freed, and still pointed to (outstanding - leaked).
    std::uint64_t held_bytes_in(Mode mode) const;

  private:
    const Workload& current() const { return *m_slots[m_current].workload; }
    void sum_counters();

    std::array<ModeSlot, mode_count> m_slots;
    std::size_t m_current = 0;
    WorkloadCounters m_counters;
    PerMode m_iterations{};
    std::array<Mode, mode_count> m_used{};
    std::size_t m_used_count = 0;
};

}  // namespace leakdemo
