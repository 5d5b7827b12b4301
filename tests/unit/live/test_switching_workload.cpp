#include <gtest/gtest.h>

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/lsan_interface.h>
#endif

#include <memory>
#include <vector>

#include "live/switching_workload.hpp"

namespace leakdemo {
namespace {

constexpr std::uint64_t block = 64 * 1024;

BlockWorkloadConfig config_for(Mode mode) {
    BlockWorkloadConfig config;
    config.mode = mode;
    config.touch = Touch::page;
    config.block_bytes = block;
    return config;
}

TEST(SwitchingWorkload, OffersEveryModeOfTheNameTableAndStartsInTheGivenOne) {
    SwitchingWorkload workload(config_for(Mode::hold));
    EXPECT_EQ(workload.mode(), Mode::hold);
    ASSERT_EQ(workload.slots().size(), enum_names<Mode>.size());
    for (std::size_t i = 0; i < workload.slots().size(); ++i) {
        const ModeSlot& slot = workload.slots()[i];
        EXPECT_EQ(slot.mode, enum_names<Mode>[i].first);
        // Available, or unavailable with make_workload's reason: never neither.
        EXPECT_NE(slot.workload == nullptr, slot.unavailable.empty()) << to_string(slot.mode);
    }
    EXPECT_NE(workload.slots()[0].workload, nullptr);  // leak, free and hold always exist
    EXPECT_NE(workload.slots()[1].workload, nullptr);
    EXPECT_NE(workload.slots()[2].workload, nullptr);
}

TEST(SwitchingWorkload, CountersSumOverModesAndReleaseLeavesOnlyTheLeak) {
#if defined(__SANITIZE_ADDRESS__)
    __lsan::ScopedDisabler deliberate_leak;  // leak mode leaks one block by design
#endif
    SwitchingWorkload workload(config_for(Mode::leak));
    ASSERT_TRUE(workload.step());
    ASSERT_TRUE(workload.switch_to(Mode::hold));
    EXPECT_EQ(workload.mode(), Mode::hold);
    ASSERT_TRUE(workload.step());
    ASSERT_TRUE(workload.step());
    EXPECT_EQ(workload.counters().blocks, 3u);
    EXPECT_EQ(workload.counters().leaked_bytes, block);
    EXPECT_EQ(workload.counters().outstanding_bytes, 3 * block);
    EXPECT_EQ(workload.expected_at_exit().definitely_lost_bytes, block);

    EXPECT_EQ(workload.release_reachable(), 2 * block);
    EXPECT_EQ(workload.counters().outstanding_bytes, block);  // the leaked part only
    EXPECT_EQ(workload.counters().leaked_bytes, block);
    EXPECT_EQ(workload.release_reachable(), 0u);

    ASSERT_TRUE(workload.switch_to(Mode::free));
    ASSERT_TRUE(workload.step());
    EXPECT_EQ(workload.counters().blocks, 4u);
    EXPECT_EQ(workload.counters().outstanding_bytes, block);
    EXPECT_EQ(workload.counters().requested_bytes, 4 * block);
}

TEST(SwitchingWorkload, AnUnavailableModeIsRefusedAndNothingChanges) {
    SwitchingWorkload workload(config_for(Mode::free));
    for (const ModeSlot& slot : workload.slots()) {
        if (slot.workload == nullptr) {
            EXPECT_FALSE(workload.switch_to(slot.mode));
            EXPECT_EQ(workload.mode(), Mode::free);
        }
    }
}

// A workload with a chosen verdict basis and step size that allocates nothing: `retained` bytes of each step
// stay outstanding (leaked in leak mode, held otherwise).
class BasisWorkload final : public Workload {
  public:
    BasisWorkload(Mode mode, VerdictBasis basis, bool fails = false)
        : m_mode(mode), m_basis(basis), m_fails(fails) {}
    bool step() override {
        if (m_fails) {
            return false;
        }
        m_counters.blocks += 1;
        m_counters.requested_bytes += m_basis.step_bytes;
        m_counters.outstanding_bytes += m_basis.retained_bytes;
        m_counters.leaked_bytes += m_mode == Mode::leak ? m_basis.retained_bytes : 0;
        return true;
    }
    const WorkloadCounters& counters() const override { return m_counters; }
    std::uint64_t block_bytes() const override { return block; }
    std::uint64_t step_bytes() const override { return m_basis.step_bytes; }
    VerdictBasis verdict_basis() const override { return m_basis; }
    LeakClassification expected_at_exit() const override { return {}; }
    Mode mode() const override { return m_mode; }

  private:
    Mode m_mode;
    VerdictBasis m_basis;
    bool m_fails;
    WorkloadCounters m_counters;
};

constexpr std::uint64_t mib = 1 << 20;

// leak keeps its 4 MiB, free keeps nothing of its 4 MiB, fragment keeps 256 KiB of 5 MiB, arena (never
// used below) would allocate 16 MiB a step; cycle fails every step.
std::array<ModeSlot, SwitchingWorkload::mode_count> basis_slots() {
    std::array<ModeSlot, SwitchingWorkload::mode_count> slots;
    for (std::size_t i = 0; i < slots.size(); ++i) {
        const Mode mode = enum_names<Mode>[i].first;
        slots[i].mode = mode;
        VerdictBasis basis{mib, mib};
        if (mode == Mode::leak) {
            basis = {4 * mib, 4 * mib};
        } else if (mode == Mode::free) {
            basis = {4 * mib, 0};
        } else if (mode == Mode::fragment) {
            basis = {5 * mib, 256 << 10};
        } else if (mode == Mode::arena) {
            basis = {16 * mib, 0};
        }
        slots[i].workload = std::make_unique<BasisWorkload>(mode, basis, mode == Mode::cycle);
    }
    return slots;
}

TEST(SwitchingWorkload, TheGuardIsAskedAboutTheCurrentModesStepNotOneBlock) {
    BlockWorkloadConfig config = config_for(Mode::leak);
    config.threads = 4;
    SwitchingWorkload workload(config);
    EXPECT_EQ(workload.step_bytes(), block);
    ASSERT_TRUE(workload.switch_to(Mode::arena));
    EXPECT_EQ(workload.step_bytes(), 4 * block);  // every thread's block at once
    ASSERT_TRUE(workload.switch_to(Mode::indirect));
    EXPECT_EQ(workload.step_bytes(), 16 + 3 * (sizeof(void*) + block));  // a head and a chain of 3
    ASSERT_TRUE(workload.switch_to(Mode::cycle));
    EXPECT_GT(workload.step_bytes(), 2 * block);  // two shared blocks, each with its control block

    SwitchingWorkload fakes(basis_slots(), Mode::fragment);
    EXPECT_EQ(fakes.step_bytes(), 5 * mib);
}

TEST(SwitchingWorkload, TheVerdictBasisCombinesTheModesUsedAndNoOther) {
    SwitchingWorkload workload(basis_slots(), Mode::leak);
    EXPECT_EQ(workload.verdict_basis().step_bytes, 4 * mib);  // no step yet: the current mode's
    EXPECT_EQ(workload.verdict_basis().retained_bytes, 4 * mib);
    for (int i = 0; i < 3; ++i) {
        ASSERT_TRUE(workload.step());
    }
    EXPECT_EQ(workload.verdict_basis().step_bytes, 4 * mib);
    EXPECT_EQ(workload.verdict_basis().retained_bytes, 4 * mib);

    // After free: the leak phase still counts (retained 4 MiB), and free's one-time 4 MiB is on top.
    ASSERT_TRUE(workload.switch_to(Mode::free));
    ASSERT_TRUE(workload.step());
    ASSERT_TRUE(workload.step());
    EXPECT_EQ(workload.verdict_basis().step_bytes, 8 * mib);
    EXPECT_EQ(workload.verdict_basis().retained_bytes, 4 * mib);

    // Switching to a mode (arena) without a step changes nothing; a failed step (cycle) is no use.
    ASSERT_TRUE(workload.switch_to(Mode::arena));
    ASSERT_TRUE(workload.switch_to(Mode::cycle));
    EXPECT_FALSE(workload.step());
    EXPECT_EQ(workload.verdict_basis().step_bytes, 8 * mib);
    EXPECT_EQ(workload.verdict_basis().retained_bytes, 4 * mib);

    SwitchingWorkload free_then_fragment(basis_slots(), Mode::free);
    ASSERT_TRUE(free_then_fragment.step());
    ASSERT_TRUE(free_then_fragment.switch_to(Mode::fragment));
    ASSERT_TRUE(free_then_fragment.step());
    // retained: fragment's 256 KiB; transient: the larger of free's 4 MiB and fragment's 4.75 MiB.
    EXPECT_EQ(free_then_fragment.verdict_basis().retained_bytes, std::uint64_t{256} << 10);
    EXPECT_EQ(free_then_fragment.verdict_basis().step_bytes, 5 * mib);
}

TEST(SwitchingWorkload, CountsEachModesIterationsInTheOrderFirstUsed) {
    SwitchingWorkload workload(basis_slots(), Mode::leak);
    EXPECT_TRUE(workload.modes_used().empty());
    ASSERT_TRUE(workload.step());
    ASSERT_TRUE(workload.switch_to(Mode::free));
    for (int i = 0; i < 3; ++i) {
        ASSERT_TRUE(workload.step());
    }
    ASSERT_TRUE(workload.switch_to(Mode::cycle));
    EXPECT_FALSE(workload.step());  // failed: no iteration
    ASSERT_TRUE(workload.switch_to(Mode::hold));
    ASSERT_TRUE(workload.step());
    ASSERT_TRUE(workload.switch_to(Mode::leak));
    ASSERT_TRUE(workload.step());
    const std::vector<Mode> used(workload.modes_used().begin(), workload.modes_used().end());
    EXPECT_EQ(used, (std::vector<Mode>{Mode::leak, Mode::free, Mode::hold}));
    EXPECT_EQ(workload.iterations_in(Mode::leak), 2u);
    EXPECT_EQ(workload.iterations_in(Mode::free), 3u);
    EXPECT_EQ(workload.iterations_in(Mode::hold), 1u);
    EXPECT_EQ(workload.iterations_in(Mode::cycle), 0u);
    EXPECT_EQ(workload.held_bytes_in(Mode::hold), mib);
    EXPECT_EQ(workload.held_bytes_in(Mode::leak), 0u);  // leaked, not held
}

TEST(SwitchingWorkload, ReleaseSaysWhatEachModeFreed) {
    SwitchingWorkload workload(config_for(Mode::hold));
    ASSERT_TRUE(workload.step());
    ASSERT_TRUE(workload.step());
    ASSERT_TRUE(workload.switch_to(Mode::fragment));
    ASSERT_TRUE(workload.step());
    // 64 KiB in 1 KiB chunks, one in 16 kept: 4 chunks.
    EXPECT_EQ(workload.held_bytes_in(Mode::fragment), 4u * 1024);
    EXPECT_EQ(workload.held_bytes_in(Mode::hold), 2 * block);
    const SwitchingWorkload::PerMode freed = workload.release_reachable_by_mode();
    EXPECT_EQ(freed[2], 2 * block);  // hold
    EXPECT_EQ(freed[8], 4u * 1024);  // fragment
    EXPECT_EQ(
        freed[0] + freed[1] + freed[3] + freed[4] + freed[5] + freed[6] + freed[7] + freed[9] + freed[10],
        0u);
    EXPECT_EQ(workload.counters().outstanding_bytes, 0u);
    EXPECT_EQ(workload.held_bytes_in(Mode::hold), 0u);
}

}  // namespace
}  // namespace leakdemo
