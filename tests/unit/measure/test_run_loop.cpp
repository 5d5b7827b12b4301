#include <gtest/gtest.h>

#include "fakes.hpp"
#include "measure/run_loop.hpp"

namespace leakdemo {
namespace {

using namespace std::chrono_literals;
using testing::BudgetGuard;
using testing::FakeClock;
using testing::FakeSampler;
using testing::FakeWorkload;
using testing::RecordingSink;

constexpr std::uint64_t block = 4096000;
constexpr std::uint64_t base_rss = 3 << 20;

struct Harness {
    explicit Harness(Mode mode, std::optional<std::uint64_t> fail_at = std::nullopt)
        : workload(mode, block, fail_at), sampler(workload, clock, base_rss) {}
    LoopResult run(LoopConfig config, Guard* guard = nullptr, int (*stop)() = nullptr) {
        NoGuard no_guard;
        return run_loop(
            config, LoopParts{sampler, clock, workload, guard != nullptr ? *guard : no_guard, sink, stop});
    }
    FakeClock clock;
    FakeWorkload workload;
    FakeSampler sampler;
    RecordingSink sink;
};

TEST(RunLoop, BaselineThenOneSamplePerIteration) {
    Harness h(Mode::leak);
    const LoopResult result = h.run({10, 0ns});
    ASSERT_EQ(h.sink.records.size(), 11U);
    for (std::uint64_t i = 0; i <= 10; ++i) {
        EXPECT_EQ(h.sink.records[i].iteration, i);
        EXPECT_EQ(h.sink.records[i].counters.requested_bytes, i * block);
    }
    EXPECT_EQ(h.sink.records[0].counters.requested_bytes, 0U) << "sample 0 is taken before any allocation";
    EXPECT_EQ(h.sink.records[0].elapsed_ns, 0);
    EXPECT_EQ(result.summary.stop_reason, StopReason::completed);
    EXPECT_EQ(result.summary.iterations, 10U);
    EXPECT_EQ(result.summary.leaked_bytes, 10 * block);
    EXPECT_EQ(result.summary.verdict, Verdict::leaking);
    ASSERT_EQ(h.sink.summaries.size(), 1U);
}

TEST(RunLoop, ElapsedIsWallTimeUpToTheSummaryNotTheLastSample) {
    Harness h(Mode::leak);
    h.clock.interrupt_on_sleep = 2;  // Ctrl-C half a second into the second 1 s sleep
    h.clock.interrupted_after = 500ms;
    const LoopResult result = h.run({10, 1s});
    EXPECT_EQ(result.summary.stop_reason, StopReason::interrupted);
    EXPECT_EQ(result.summary.iterations, 2U);
    // Iteration 2 ran 1 s after the baseline (+3 ms of sampling), then 0.5 s of the next sleep passed.
    EXPECT_NEAR(result.summary.elapsed_s, 1.503, 1e-9);
}

TEST(RunLoop, FreeModeIsStable) {
    Harness h(Mode::free);
    const LoopResult result = h.run({20, 0ns});
    EXPECT_EQ(result.summary.leaked_bytes, 0U);
    EXPECT_EQ(result.summary.rss_growth_bytes, 0);
    EXPECT_EQ(result.summary.verdict, Verdict::stable);
}

TEST(RunLoop, PacesFromTheBaselineSoTheWorkDoesNotAddDrift) {
    Harness h(Mode::leak);
    h.sampler.work_per_sample = 30ms;  // each iteration's own work takes 30 ms
    h.run({5, 200ms});
    // Four sleeps (none after the last iteration), at start + k*200ms regardless of the 30 ms of work.
    ASSERT_EQ(h.clock.deadlines.size(), 4U);
    const auto start = h.clock.deadlines[0] - 200ms;
    for (std::size_t k = 0; k < 4; ++k) {
        EXPECT_EQ(h.clock.deadlines[k], start + 200ms * static_cast<int>(k + 1));
    }
}

TEST(RunLoop, AfterAPauseTheMissedTicksAreSkippedNotFiredBackToBack) {
    Harness h(Mode::leak);
    h.clock.pause_after_sleep = 2;  // stopped for 4 intervals during the second sleep
    h.clock.pause = 4 * 500ms;
    h.run({6, 500ms});
    ASSERT_EQ(h.clock.deadlines.size(), 5U);
    const auto resumed_at = h.clock.deadlines[1] + 4 * 500ms;
    // The next iteration comes one full interval after the loop was ready again, not at once.
    EXPECT_GE(h.clock.deadlines[2], resumed_at + 500ms);
    EXPECT_LT(h.clock.deadlines[2], resumed_at + 600ms) << "and not later than one interval plus the work";
    // From there the schedule runs on without drift.
    EXPECT_EQ(h.clock.deadlines[3], h.clock.deadlines[2] + 500ms);
    EXPECT_EQ(h.clock.deadlines[4], h.clock.deadlines[3] + 500ms);
    ASSERT_EQ(h.sink.records.size(), 7U);
    for (std::size_t k = 2; k + 1 < h.sink.records.size(); ++k) {
        EXPECT_GE(h.sink.records[k + 1].elapsed_ns - h.sink.records[k].elapsed_ns,
                  std::chrono::nanoseconds(500ms).count())
            << "iterations " << k << " and " << k + 1 << " closer than the interval";
    }
}

TEST(RunLoop, AnIterationSlowerThanTheIntervalIsFollowedByAFullInterval) {
    Harness h(Mode::leak);
    h.sampler.work_per_sample = 700ms;  // each iteration takes longer than the 500 ms interval
    h.run({3, 500ms});
    ASSERT_EQ(h.clock.deadlines.size(), 2U);
    EXPECT_EQ(h.clock.deadlines[1] - h.clock.deadlines[0], 700ms + 500ms);
}

TEST(RunLoop, NoSleepWithZeroInterval) {
    Harness h(Mode::leak);
    h.run({5, 0ns});
    EXPECT_TRUE(h.clock.deadlines.empty());
}

TEST(RunLoop, AllocationFailureStopsWithAMessageAndASummary) {
    Harness h(Mode::leak, 4);
    const LoopResult result = h.run({10, 0ns});
    EXPECT_EQ(result.summary.stop_reason, StopReason::alloc_failed);
    EXPECT_EQ(result.summary.iterations, 3U);
    EXPECT_NE(result.stop_message.find("iteration 4"), std::string::npos) << result.stop_message;
    EXPECT_NE(result.stop_message.find("4096000"), std::string::npos) << result.stop_message;
    EXPECT_EQ(h.sink.summaries.size(), 1U);
}

TEST(RunLoop, GuardRefusalStopsBeforeAllocating) {
    Harness h(Mode::leak);
    BudgetGuard guard(3 * block);
    const LoopResult result = h.run({10, 0ns}, &guard);
    EXPECT_EQ(result.summary.stop_reason, StopReason::guard);
    EXPECT_EQ(h.workload.steps(), 3U) << "the refused allocation never happens";
    EXPECT_LE(result.summary.outstanding_bytes, 3 * block);
}

int g_fake_signal = 0;
int fake_stop() {
    return g_fake_signal;
}

const FakeClock* g_interruptible_clock = nullptr;
int sigint_once_clock_interrupted() {
    return g_interruptible_clock->interrupted ? 2 : 0;
}

TEST(RunLoop, InterruptedSleepEndsTheRunAfterTheCurrentIteration) {
    Harness h(Mode::leak);
    h.clock.interrupt_on_sleep = 2;
    g_interruptible_clock = &h.clock;
    const LoopResult result = h.run({std::nullopt, 1s}, nullptr, &sigint_once_clock_interrupted);
    EXPECT_EQ(result.summary.stop_reason, StopReason::interrupted);
    EXPECT_EQ(result.signal_number, 2);
    EXPECT_EQ(result.summary.iterations, 2U) << "iteration 2 finished before its sleep was interrupted";
}

TEST(RunLoop, StopRequestedBeforeAnIterationAllocatesNothingMore) {
    Harness h(Mode::leak);
    g_fake_signal = 15;
    const LoopResult result = h.run({10, 0ns}, nullptr, &fake_stop);
    g_fake_signal = 0;
    EXPECT_EQ(result.summary.stop_reason, StopReason::interrupted);
    EXPECT_EQ(result.signal_number, 15);
    EXPECT_EQ(h.workload.steps(), 0U);
    EXPECT_EQ(h.sink.records.size(), 1U) << "the baseline is still reported";
}

}  // namespace
}  // namespace leakdemo
