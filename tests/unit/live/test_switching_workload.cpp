#include <gtest/gtest.h>

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/lsan_interface.h>
#endif

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

}  // namespace
}  // namespace leakdemo
