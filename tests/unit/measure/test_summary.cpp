#include <gtest/gtest.h>

#include "measure/summary.hpp"

namespace leakdemo {
namespace {

// Time to the limit: outstanding bytes against the budget at the measured RSS growth per second.
TEST(SummaryBudget, EtaFromTheRssSlopePerSecond) {
    SummaryBuilder builder;
    for (std::uint64_t i = 0; i <= 10; ++i) {
        Record r;
        r.iteration = i;
        r.elapsed_ns = static_cast<std::int64_t>(i) * 500'000'000;  // 0.5 s apart
        r.block_bytes = 1000;
        r.counters.outstanding_bytes = i * 1000;
        r.sample.rss_bytes = 5000 + i * 1000;  // 2,000 bytes per second
        builder.add(r);
    }
    const Summary summary = builder.finish(StopReason::completed, std::nullopt, std::nullopt, 30000);
    EXPECT_EQ(summary.budget_bytes, std::optional<std::uint64_t>(30000));
    ASSERT_TRUE(summary.budget_eta_s);
    EXPECT_NEAR(*summary.budget_eta_s, (30000.0 - 10000.0) / 2000.0, 1e-6);
    const Summary unguarded = builder.finish(StopReason::completed, std::nullopt);
    EXPECT_FALSE(unguarded.budget_bytes);
    EXPECT_FALSE(unguarded.budget_eta_s);
}

TEST(SummaryBudget, NoEtaWhenRssIsFlat) {
    SummaryBuilder builder;
    for (std::uint64_t i = 0; i <= 5; ++i) {
        Record r;
        r.iteration = i;
        r.elapsed_ns = static_cast<std::int64_t>(i) * 1'000'000;
        r.sample.rss_bytes = 5000;
        builder.add(r);
    }
    const Summary summary = builder.finish(StopReason::completed, std::nullopt, std::nullopt, 30000);
    EXPECT_TRUE(summary.budget_bytes);
    EXPECT_FALSE(summary.budget_eta_s);
}

// The time to the budget follows what the guard judges (leaked + held, or RSS growth if larger), not the RSS
// alone: held blocks that cost no RAM yet (--touch none) still near the budget.
TEST(SummaryBudget, EtaFollowsLeakedPlusHeldWhenTheRssIsFlat) {
    SummaryBuilder builder;
    for (std::uint64_t i = 0; i <= 10; ++i) {
        Record r;
        r.iteration = i;
        r.elapsed_ns = static_cast<std::int64_t>(i) * 1'000'000'000;
        r.block_bytes = 1000;
        r.counters.outstanding_bytes = i * 1000;  // 1,000 bytes per second
        r.sample.rss_bytes = 5000;
        builder.add(r);
    }
    const Summary summary =
        builder.finish(StopReason::completed, std::nullopt, std::nullopt, 30000, VerdictBasis{1000, 0});
    ASSERT_TRUE(summary.budget_eta_s);
    EXPECT_NEAR(*summary.budget_eta_s, (30000.0 - 10000.0) / 1000.0, 1e-6);
}

// Free mode: glibc keeps the second block on the heap top, one RSS step, nothing leaked or held; the
// verdict is stable, so the summary must not say the budget is reached "at this rate".
TEST(SummaryBudget, NoEtaForFreeModesTransientStep) {
    SummaryBuilder builder;
    for (std::uint64_t i = 0; i <= 3; ++i) {
        Record r;
        r.iteration = i;
        r.elapsed_ns = static_cast<std::int64_t>(i) * 5'000'000;
        r.block_bytes = 4'096'000;
        r.sample.rss_bytes = i >= 2 ? 9'150'464 : 4'988'928;
        builder.add(r);
    }
    const Summary summary = builder.finish(StopReason::completed, std::nullopt, std::nullopt,
                                           std::uint64_t{11} << 30, VerdictBasis{4'096'000, 0});
    EXPECT_EQ(summary.verdict, Verdict::stable);
    EXPECT_FALSE(summary.budget_eta_s);
}

TEST(Slope, ExactForAStraightLine) {
    SlopeAccumulator slope;
    for (int x = 0; x <= 10; ++x) {
        slope.add(x, 3'000'000.0 + 4'100'096.0 * x);
    }
    EXPECT_NEAR(slope.slope(), 4'100'096.0, 1e-3);
}

TEST(Slope, ZeroForAFlatLineAndForTooFewPoints) {
    SlopeAccumulator flat;
    for (int x = 0; x < 5; ++x) {
        flat.add(x, 7e6);
    }
    EXPECT_DOUBLE_EQ(flat.slope(), 0.0);
    SlopeAccumulator one;
    one.add(0, 5);
    EXPECT_DOUBLE_EQ(one.slope(), 0.0);
}

TEST(Slope, MatchesTheClosedFormOnNoisyData) {
    const double ys[] = {3.0e6, 3.1e6, 7.2e6, 7.1e6, 7.3e6, 7.2e6};
    SlopeAccumulator slope;
    double sx = 0, sy = 0, sxx = 0, sxy = 0;
    const double n = 6;
    for (int x = 0; x < 6; ++x) {
        slope.add(x, ys[x]);
        sx += x;
        sy += ys[x];
        sxx += x * x;
        sxy += x * ys[x];
    }
    const double expected = (n * sxy - sx * sy) / (n * sxx - sx * sx);
    EXPECT_NEAR(slope.slope(), expected, 1e-6 * expected);
}

// A mode that keeps its whole step (leak, hold ...) and one that gives it all back (free).
VerdictBasis keeps(std::uint64_t bytes) {
    return {bytes, bytes};
}
VerdictBasis gives_back(std::uint64_t bytes) {
    return {bytes, 0};
}

TEST(Verdict, ThresholdIsOneAndAHalfTransientStepsPlusTheFloor) {
    EXPECT_EQ(verdict_threshold_bytes(keeps(4'096'000)), verdict_growth_floor_bytes);
    EXPECT_EQ(verdict_threshold_bytes(gives_back(4'096'000)), 6'144'000 + verdict_growth_floor_bytes);
    EXPECT_EQ(verdict_threshold_bytes({1'000, 400}), 900 + verdict_growth_floor_bytes);
    EXPECT_EQ(verdict_threshold_bytes({0, 0}), verdict_growth_floor_bytes);
    EXPECT_EQ(verdict_growth_per_iteration_bytes(gives_back(64)), 64U)
        << "a step, for a mode that keeps none";
    EXPECT_EQ(verdict_growth_per_iteration_bytes({1'000, 400}), 400U);
}

TEST(Verdict, GrowthOverTheRunAgainstTheThresholdIsTheLine) {
    // A leak of 4,096,000-byte blocks: 10 x 26,215 B = 262,150 B just passes the 256 KiB floor.
    EXPECT_EQ(verdict_for(4'100'096, keeps(4'096'000), 10), Verdict::leaking);
    EXPECT_EQ(verdict_for(26'215, keeps(4'096'000), 10), Verdict::leaking);
    EXPECT_EQ(verdict_for(26'214, keeps(4'096'000), 10), Verdict::stable);
    EXPECT_EQ(verdict_for(0, keeps(4'096'000), 10), Verdict::stable);
    EXPECT_EQ(verdict_for(-100'000, keeps(4'096'000), 10), Verdict::stable);
    // Free mode may step by a whole block once: growth must pass 1.5 blocks + the floor.
    EXPECT_EQ(verdict_for(640'000, gives_back(4'096'000), 10), Verdict::stable);
    EXPECT_EQ(verdict_for(640'615, gives_back(4'096'000), 10), Verdict::leaking);
}

TEST(Verdict, TooFewIterationsAreInconclusive) {
    for (std::uint64_t n = 0; n < min_iterations_for_verdict; ++n) {
        EXPECT_EQ(verdict_for(4'100'096, keeps(4'096'000), n), Verdict::inconclusive) << n;
        EXPECT_EQ(verdict_for(0, keeps(4'096'000), n), Verdict::inconclusive) << n;
    }
    EXPECT_EQ(verdict_for(4'100'096, keeps(4'096'000), min_iterations_for_verdict), Verdict::leaking);
    EXPECT_EQ(verdict_for(0, keeps(4'096'000), min_iterations_for_verdict), Verdict::stable);
}

// The least-squares slope of `iterations` + 1 samples flat at 0 with one step of `step` bytes after sample k.
double slope_of_step(int iterations, int k, double step) {
    SlopeAccumulator slope;
    for (int x = 0; x <= iterations; ++x) {
        slope.add(x, x > k ? step : 0.0);
    }
    return slope.slope();
}

TEST(Verdict, OneStepFitsALineThatGrowsByAtMostOneAndAHalfSteps) {
    // The claim the threshold rests on (summary.hpp): wherever a single step falls, the fitted growth over
    // the run (slope x iterations) stays under 1.5 steps, so four 64 KiB windows are never reached.
    for (int n : {3, 4, 7, 50, 1000}) {
        for (int k = 0; k < n; ++k) {
            const double growth = slope_of_step(n, k, 1.0) * n;
            EXPECT_LE(growth, 1.5) << "n=" << n << " k=" << k;
        }
    }
    const double worst = 64.0 * 1024 * 1.5;
    EXPECT_LT(worst, static_cast<double>(verdict_growth_floor_bytes));
}

TEST(Verdict, AWholeFreedStepAndA64KiBWindowAtTheWorstPlaceAreNoLeak) {
    // Why the threshold adds the floor to 1.5 transient steps instead of taking the larger: a free-mode
    // block's step and a window of code faulted in at the same iteration, both in the middle of the run.
    for (int n : {3, 4, 7, 50, 1000}) {
        for (int k = 0; k < n; ++k) {
            const double slope = slope_of_step(n, k, 4'096'000 + 65'536);
            EXPECT_NE(verdict_for(slope, gives_back(4'096'000), static_cast<std::uint64_t>(n)),
                      Verdict::leaking)
                << "n=" << n << " k=" << k;
        }
    }
}

TEST(Verdict, TinyBlockFreeModeStepIsNoLeak) {
    // -m free -b 1: RSS steps once by a 64 KiB fault-around window (the first output), then stays flat.
    for (int n : {3, 50, 10'000}) {
        const double slope = slope_of_step(n, 0, 65'536);
        EXPECT_NE(verdict_for(slope, gives_back(1), static_cast<std::uint64_t>(n)), Verdict::leaking) << n;
        // A leak of 1 B per iteration could not have shown either: the run cannot tell.
        EXPECT_EQ(verdict_for(slope, gives_back(1), static_cast<std::uint64_t>(n)), Verdict::inconclusive)
            << n;
    }
    // 64-byte blocks over 10^6 iterations would have shown 64 MB: the same step is then a stable run.
    EXPECT_EQ(verdict_for(slope_of_step(1'000'000, 0, 65'536), gives_back(64), 1'000'000), Verdict::stable);
    // The same for the article's 4,096,000-byte blocks, step at the worst place.
    EXPECT_EQ(verdict_for(slope_of_step(3, 1, 65'536), gives_back(4'096'000), 3), Verdict::stable);
}

TEST(Verdict, TinyBlockLeakThatShowsIsALeak) {
    // -m leak -b 1: each 1-byte malloc takes a 32-byte glibc chunk; RSS rises a page every 128 iterations.
    const auto page_steps = [](int iterations, int bytes_per_iteration) {
        SlopeAccumulator slope;
        for (int x = 0; x <= iterations; ++x) {
            slope.add(x, static_cast<double>((x * bytes_per_iteration) / 4096 * 4096));
        }
        return slope.slope();
    };
    EXPECT_EQ(verdict_for(page_steps(10'000, 32), keeps(1), 10'000), Verdict::leaking);
    // 1,000 of them are 32 KB: below what one-time steps can add, and 1,000 x 1 B is too: inconclusive.
    EXPECT_EQ(verdict_for(page_steps(1'000, 32), keeps(1), 1'000), Verdict::inconclusive);
    // 1 KiB blocks: a page every 4 iterations, 4 MB over 4,000 of them.
    EXPECT_EQ(verdict_for(page_steps(4'000, 1024), keeps(1024), 4'000), Verdict::leaking);
}

TEST(Verdict, FreeModeWarmUpStepIsNotALeak) {
    // glibc in free mode: iteration 1 is mmap'd and returned, iteration 2 lands on the heap and stays.
    SlopeAccumulator slope;
    for (int x = 0; x <= 20; ++x) {
        slope.add(x, x >= 2 ? 7.2e6 : 3.1e6);
    }
    EXPECT_EQ(verdict_for(slope.slope(), gives_back(4'096'000), 20), Verdict::stable);
}

// The line of fragment mode with 1 MiB blocks, as measured (docs/verdict.md): RSS climbs ~95 KiB a step as
// the kept chunks (64 KiB a step) pin their pages, highest at the last iteration.
double fragment_slope(int iterations) {
    SlopeAccumulator slope;
    for (int x = 0; x <= iterations; ++x) {
        slope.add(x, 4.7e6 + (x > 0 ? 1.0e6 : 0.0) + 95'000.0 * x);
    }
    return slope.slope();
}

TEST(Verdict, FragmentKeepsPartOfEachStepAndIsLeakingWhenItShows) {
    // 1 MiB blocks cut into 1 KiB chunks, one in 16 kept: 1,064,960 B allocated a step, 65,536 B kept.
    const VerdictBasis fragment{1'064'960, 65'536};
    // Half a block per iteration, the old rule, called this `stable` at -n 40 while RSS climbed 3.6 MiB.
    EXPECT_EQ(verdict_for(fragment_slope(40), fragment, 40), Verdict::leaking);
    // 10 x 64 KiB could not pass what one freed step can add (1.5 x 999,424 B + 256 KiB): not `stable`.
    EXPECT_EQ(verdict_for(fragment_slope(10), fragment, 10), Verdict::inconclusive);
    EXPECT_EQ(verdict_for(0, fragment, 10), Verdict::inconclusive);
    EXPECT_EQ(verdict_for(0, fragment, 40), Verdict::stable);
}

Record make(std::uint64_t iteration, std::uint64_t rss, std::uint64_t maxrss) {
    Record r;
    r.iteration = iteration;
    r.elapsed_ns = static_cast<std::int64_t>(iteration) * 1'000'000;
    r.block_bytes = 1000;
    r.counters.requested_bytes = iteration * 1000;
    r.counters.leaked_bytes = iteration * 1000;
    r.counters.outstanding_bytes = iteration * 1000;
    r.sample.rss_bytes = rss;
    r.sample.maxrss_bytes = maxrss;
    return r;
}

TEST(SummaryBuilder, UsesFirstAndLastRecords) {
    SummaryBuilder builder;
    builder.add(make(0, 5000, 5000));
    builder.add(make(1, 6000, 6000));
    builder.add(make(2, 7000, 7000));
    builder.add(make(3, 8000, 8000));
    const Summary s = builder.finish(StopReason::completed, 9000);
    EXPECT_EQ(s.iterations, 3U);
    EXPECT_EQ(s.rss_start_bytes, 5000U);
    EXPECT_EQ(s.rss_end_bytes, 8000U);
    EXPECT_EQ(s.rss_growth_bytes, 3000);
    EXPECT_NEAR(s.rss_growth_per_iteration_bytes, 1000.0, 1e-9);
    EXPECT_EQ(s.requested_bytes, 3000U);
    EXPECT_EQ(s.maxrss_bytes, 8000U);
    EXPECT_EQ(s.hwm_bytes, 9000U);
    // 3 x 1,000 B could not show above a one-time step of RSS: the rule cannot tell.
    EXPECT_EQ(s.verdict, Verdict::inconclusive);
    EXPECT_NEAR(s.elapsed_s, 0.003, 1e-12);
}

TEST(SummaryBuilder, KeepsThePeakItsIterationAndTheLowAfterIt) {
    SummaryBuilder builder;
    const std::uint64_t rss[] = {100, 100, 500, 480, 500, 490};
    for (std::uint64_t i = 0; i < 6; ++i) {
        builder.add(make(i, rss[i], 500));
    }
    const Summary s = builder.finish(StopReason::completed, std::nullopt);
    EXPECT_EQ(s.rss_peak_bytes, 500U);
    EXPECT_EQ(s.rss_peak_iteration, 2U) << "the first iteration that reached the peak";
    EXPECT_EQ(s.rss_low_after_peak_bytes, 480U);
}

TEST(SummaryBuilder, NegativeGrowthIsSigned) {
    SummaryBuilder builder;
    builder.add(make(0, 9000, 9000));
    builder.add(make(1, 4000, 9000));
    EXPECT_EQ(builder.finish(StopReason::interrupted, std::nullopt).rss_growth_bytes, -5000);
}

}  // namespace
}  // namespace leakdemo
