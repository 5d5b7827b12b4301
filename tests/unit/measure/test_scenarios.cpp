// The zoo's workloads (measure/scenarios.hpp): exact counters, exact expected checker figures, and the
// reachable memory given back on request. What valgrind and LeakSanitizer really say is tests/e2e's job
// (test_scenarios.py); here the bookkeeping is held to its own definitions.
#include <gtest/gtest.h>
#include <malloc.h>

#include <cstdint>
#include <memory>

#include "measure/scenarios.hpp"
#include "measure/workload_factory.hpp"
#include "util/error.hpp"

// Under ASan (the asan preset), LeakSanitizer checks this test binary at exit: the scenarios that lose
// memory on purpose do so with it paused. In a build without a sanitizer these are null.
extern "C" void __lsan_disable() __attribute__((weak));
extern "C" void __lsan_enable() __attribute__((weak));

namespace leakdemo {
namespace {

constexpr std::uint64_t block = 1000;

BlockWorkloadConfig config_for(Mode mode, std::uint64_t block_bytes = block) {
    BlockWorkloadConfig config;
    config.mode = mode;
    config.block_bytes = block_bytes;
    return config;
}

// Runs `steps` steps with leak detection paused (deliberate leaks) and returns the workload.
std::unique_ptr<Workload> stepped(const BlockWorkloadConfig& config, int steps) {
    auto workload = make_workload(config);
    if (__lsan_disable != nullptr) {
        __lsan_disable();
    }
    for (int step = 0; step < steps; ++step) {
        EXPECT_TRUE(workload->step()) << to_string(config.mode) << " step " << step;
    }
    if (__lsan_enable != nullptr) {
        __lsan_enable();
    }
    return workload;
}

TEST(Scenarios, EveryModeIsBuiltAndReportsItsMode) {
    for (const auto& [mode, name] : enum_names<Mode>) {
        const auto workload = make_workload(config_for(mode));
        EXPECT_EQ(workload->mode(), mode) << name;
        EXPECT_EQ(workload->counters().blocks, 0U) << name << ": a constructor allocates nothing";
        EXPECT_GE(workload->step_bytes(), block) << name;
    }
}

// Every byte the checkers should report at exit, whatever the category.
std::uint64_t expected_bytes(const LeakClassification& e) {
    return e.definitely_lost_bytes + e.indirectly_lost_bytes + e.possibly_lost_bytes +
           e.still_reachable_bytes + e.untracked_bytes;
}

TEST(Scenarios, EveryModeRetainsPerStepWhatItsBookkeepingGrowsBy) {
    // The verdict judges RSS against verdict_basis (summary.hpp): what a step keeps must be what the
    // counters and the checkers' expected figures grow by per step, and never more than the step. Steps 2
    // to 3: the first step made the stores' arrays, which do not grow again that soon.
    for (const auto& [mode, name] : enum_names<Mode>) {
        const auto workload = stepped(config_for(mode, 5000), 2);
        const std::uint64_t outstanding = workload->counters().outstanding_bytes;
        const std::uint64_t expected = expected_bytes(workload->expected_at_exit());
        if (__lsan_disable != nullptr) {
            __lsan_disable();
        }
        EXPECT_TRUE(workload->step()) << name;
        if (__lsan_enable != nullptr) {
            __lsan_enable();
        }
        const VerdictBasis basis = workload->verdict_basis();
        EXPECT_EQ(basis.step_bytes, workload->step_bytes()) << name;
        EXPECT_LE(basis.retained_bytes, basis.step_bytes) << name;
        EXPECT_EQ(basis.retained_bytes, workload->counters().outstanding_bytes - outstanding) << name;
        // cache and fragment free what they keep at exit: their checkers have nothing to grow.
        if (mode != Mode::cache && mode != Mode::fragment) {
            EXPECT_EQ(basis.retained_bytes, expected_bytes(workload->expected_at_exit()) - expected) << name;
        }
    }
}

TEST(Scenarios, FreeArenaAndFragmentGiveBackWhatTheyDoNotKeep) {
    EXPECT_EQ(make_workload(config_for(Mode::free))->verdict_basis().retained_bytes, 0U);
    BlockWorkloadConfig arena = config_for(Mode::arena);
    arena.threads = 4;
    EXPECT_EQ(make_workload(arena)->verdict_basis().step_bytes, 4 * block);
    EXPECT_EQ(make_workload(arena)->verdict_basis().retained_bytes, 0U);
    // 1 MiB: 1,024 chunks of 1 KiB, one in 16 kept.
    const VerdictBasis fragment = make_workload(config_for(Mode::fragment, 1 << 20))->verdict_basis();
    EXPECT_EQ(fragment.retained_bytes, 64U * 1024);
    EXPECT_EQ(fragment.step_bytes, (1U << 20) + 16 * 1024);
}

TEST(Scenarios, IndirectLosesAHeadAndItsChain) {
    const auto workload = stepped(config_for(Mode::indirect), 3);
    const std::uint64_t node = sizeof(void*) + block;
    EXPECT_EQ(workload->counters().blocks, 3U * 4U);
    EXPECT_EQ(workload->counters().requested_bytes, 3 * (16 + 3 * node));
    EXPECT_EQ(workload->counters().leaked_bytes, workload->counters().requested_bytes);
    EXPECT_EQ(workload->step_bytes(), 16 + 3 * node);
    const LeakClassification expected = workload->expected_at_exit();
    EXPECT_EQ(expected.definitely_lost_bytes, 3U * 16U);
    EXPECT_EQ(expected.definitely_lost_blocks, 3U);
    EXPECT_EQ(expected.indirectly_lost_bytes, 9 * node);
    EXPECT_EQ(expected.indirectly_lost_blocks, 9U);
    EXPECT_EQ(expected.still_reachable_blocks, 0U);
}

TEST(Scenarios, InteriorKeepsOnlyAMiddlePointer) {
    const auto workload = stepped(config_for(Mode::interior), 2);
    EXPECT_EQ(workload->counters().outstanding_bytes, 2 * block);
    EXPECT_EQ(workload->counters().leaked_bytes, 0U);
    const LeakClassification expected = workload->expected_at_exit();
    EXPECT_EQ(expected.possibly_lost_bytes, 2 * block);
    EXPECT_EQ(expected.possibly_lost_blocks, 2U);
    EXPECT_EQ(expected.still_reachable_bytes, ReachableStore::first_capacity * sizeof(void*));
    EXPECT_EQ(expected.still_reachable_blocks, 1U);
    EXPECT_THROW(InteriorWorkload(config_for(Mode::interior, 1)), Error);
}

TEST(Scenarios, CycleCountsTheWholeSharedBlock) {
    const auto workload = stepped(config_for(Mode::cycle), 2);
    const auto& cycle = dynamic_cast<const CycleWorkload&>(*workload);
    // Control block + object (a shared_ptr) + the allocator's state + payload: more than the payload.
    EXPECT_GT(cycle.shared_block_bytes(), block + sizeof(std::shared_ptr<int>));
    EXPECT_LT(cycle.shared_block_bytes(), block + 256);
    EXPECT_EQ(workload->counters().blocks, 4U);
    EXPECT_EQ(workload->counters().leaked_bytes, 4 * cycle.shared_block_bytes());
    const LeakClassification expected = workload->expected_at_exit();
    EXPECT_EQ(expected.definitely_lost_blocks, 2U);
    EXPECT_EQ(expected.indirectly_lost_blocks, 2U);
    EXPECT_EQ(expected.definitely_lost_bytes + expected.indirectly_lost_bytes,
              workload->counters().leaked_bytes);
}

TEST(Scenarios, ExceptionLosesTheBlockItInterrupted) {
    const auto workload = stepped(config_for(Mode::exception), 3);
    EXPECT_EQ(workload->counters().leaked_bytes, 3 * block);
    EXPECT_EQ(workload->expected_at_exit().definitely_lost_bytes, 3 * block);
    EXPECT_EQ(workload->expected_at_exit().definitely_lost_blocks, 3U);
}

TEST(Scenarios, HoldKeepsUntilExitUnlessReleased) {
    const auto workload = stepped(config_for(Mode::hold), 3);
    LeakClassification expected = workload->expected_at_exit();
    EXPECT_EQ(expected.still_reachable_bytes, 3 * block + ReachableStore::first_capacity * sizeof(void*));
    EXPECT_EQ(expected.still_reachable_blocks, 4U);
    EXPECT_EQ(workload->release_reachable(), 3 * block);
    EXPECT_EQ(workload->counters().outstanding_bytes, 0U);
    expected = workload->expected_at_exit();
    EXPECT_EQ(expected.still_reachable_bytes, 0U);
    EXPECT_EQ(expected.still_reachable_blocks, 0U);
    EXPECT_TRUE(workload->step());  // and it goes on holding after a release
    EXPECT_EQ(workload->release_reachable(), block);
}

TEST(Scenarios, CacheIsReachableAndReleasable) {
    const auto workload = stepped(config_for(Mode::cache), 4);
    EXPECT_EQ(workload->counters().outstanding_bytes, 4 * block);
    EXPECT_EQ(workload->counters().leaked_bytes, 0U);
    EXPECT_EQ(workload->expected_at_exit().still_reachable_blocks, 0U);  // cleared at exit
    EXPECT_EQ(workload->release_reachable(), 4 * block);
    EXPECT_EQ(workload->release_reachable(), 0U);
    EXPECT_TRUE(workload->step());  // the destructor frees this one (LeakSanitizer checks it under ASan)
}

TEST(Scenarios, FragmentKeepsOneChunkInSixteen) {
    // 17 chunks: 16 of 1 KiB and one of 100 bytes; chunks 0 and 16 are kept.
    const std::uint64_t size = 16 * FragmentWorkload::chunk_bytes + 100;
    const auto workload = stepped(config_for(Mode::fragment, size), 2);
    EXPECT_EQ(workload->counters().blocks, 2U * 17U);
    EXPECT_EQ(workload->counters().requested_bytes, 2 * size);
    EXPECT_EQ(workload->counters().outstanding_bytes, 2 * (FragmentWorkload::chunk_bytes + 100));
    EXPECT_EQ(workload->step_bytes(), size + 16 * 17);
    EXPECT_EQ(workload->release_reachable(), 2 * (FragmentWorkload::chunk_bytes + 100));
    const auto tiny = stepped(config_for(Mode::fragment, 3), 2);  // one 3-byte chunk, kept
    EXPECT_EQ(tiny->counters().outstanding_bytes, 6U);
}

TEST(Scenarios, ArenaRunsEveryThreadEachStep) {
    BlockWorkloadConfig config = config_for(Mode::arena, 64 * 1024);
    config.threads = 3;
    const auto workload = stepped(config, 4);
    EXPECT_EQ(workload->counters().blocks, 12U);
    EXPECT_EQ(workload->counters().requested_bytes, 12U * 64 * 1024);
    EXPECT_EQ(workload->counters().outstanding_bytes, 0U);
    EXPECT_EQ(workload->step_bytes(), 3U * 64 * 1024);
    config.threads = max_threads + 1;
    EXPECT_THROW(ArenaWorkload{config}, Error);
}

TEST(Scenarios, MmapIsUntrackedWholePages) {
    const auto workload = stepped(config_for(Mode::mmap, 5000), 3);
    EXPECT_EQ(workload->counters().leaked_bytes, 3U * 8192) << "whole pages, as mapped";
    EXPECT_EQ(workload->counters().requested_bytes, 3U * 8192);
    EXPECT_EQ(workload->counters().mmapped_blocks, 3U);
    EXPECT_EQ(workload->expected_at_exit().untracked_bytes, 3U * 8192);
    EXPECT_EQ(workload->expected_at_exit().definitely_lost_blocks, 0U);
}

}  // namespace
}  // namespace leakdemo
