// The rate verdict on synthetic series of each shape the issue names (no clock, no sleep).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <functional>

#include "measure/summary.hpp"
#include "watch/rate.hpp"

namespace leakdemo {
namespace {

constexpr double mib = 1048576.0;
constexpr double rate = default_leak_rate_bytes_per_s;  // 1 MiB/min

// `count` samples every `step_s` seconds of shape(t).
RateSeries series_of(std::uint64_t count, double step_s, const std::function<double(double)>& shape) {
    RateSeries series;
    for (std::uint64_t i = 0; i < count; ++i) {
        const double t = static_cast<double>(i) * step_s;
        series.add(t, shape(t));
    }
    return series;
}

// Deterministic noise in [-amplitude, amplitude] (a fixed LCG: the same series every run).
double noise(std::uint64_t& state, double amplitude) {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return amplitude * (static_cast<double>(state >> 11) / 9007199254740992.0 * 2 - 1);
}

TEST(RateVerdict, FlatIsStable) {
    const auto judged = series_of(600, 0.1, [](double) { return 50 * mib; }).judge(rate, std::nullopt);
    EXPECT_EQ(judged.verdict, WatchVerdict::stable);
    EXPECT_NEAR(judged.slope_bytes_per_s, 0, 1e-3);
}

TEST(RateVerdict, StepThenPlateauIsNotLeaking) {
    // A cache of 200 MiB filled at 20 s of a 60 s run, then full.
    const auto series = series_of(600, 0.1, [](double t) { return t < 20 ? 10 * mib : 210 * mib; });
    const auto judged = series.judge(rate, std::nullopt);
    EXPECT_GT(judged.slope_bytes_per_s, rate);  // a slope alone would call it leaking
    EXPECT_EQ(judged.verdict, WatchVerdict::stable);
}

TEST(RateVerdict, StepLateInTheRunIsNotLeaking) {
    const auto series = series_of(600, 0.1, [](double t) { return t < 45 ? 10 * mib : 110 * mib; });
    EXPECT_EQ(series.judge(rate, std::nullopt).verdict, WatchVerdict::stable);
}

TEST(RateVerdict, SawToothIsNotLeaking) {
    // A GC heap: grows 8 MiB/s for 5 s, then collected back down; 12 teeth.
    const auto series = series_of(600, 0.1, [](double t) { return 20 * mib + 8 * mib * std::fmod(t, 5.0); });
    EXPECT_EQ(series.judge(rate, std::nullopt).verdict, WatchVerdict::stable);
}

TEST(RateVerdict, LongSawToothIsNotLeaking) {
    // Teeth longer than a third of the run: the drop shows in the floor.
    const auto series = series_of(600, 0.1, [](double t) { return 20 * mib + 4 * mib * std::fmod(t, 25.0); });
    EXPECT_EQ(series.judge(rate, std::nullopt).verdict, WatchVerdict::stable);
}

TEST(RateVerdict, SlowSteadyLeakUnderNoiseIsLeaking) {
    // 2 MiB/min (twice the threshold) under +-2 MiB of noise, for 5 minutes.
    std::uint64_t state = 42;
    const auto series = series_of(
        3000, 0.1, [&state](double t) { return 100 * mib + 2 * mib / 60 * t + noise(state, 2 * mib); });
    const auto judged = series.judge(rate, std::nullopt);
    EXPECT_EQ(judged.verdict, WatchVerdict::leaking);
    EXPECT_NEAR(judged.slope_bytes_per_s, 2 * mib / 60, 0.1 * 2 * mib / 60);
}

TEST(RateVerdict, AFewLowSamplesAtTheEndsDoNotHideALeak) {
    // A child found by the scan a few samples late, and gone two samples before its parent: those samples
    // are back at the baseline.
    RateSeries series;
    for (int i = 0; i < 50; ++i) {
        const double t = 0.02 * i;
        series.add(t, i < 5 || i >= 48 ? 2 * mib : 2 * mib + 50 * mib * t);
    }
    EXPECT_EQ(series.judge(rate, std::nullopt).verdict, WatchVerdict::leaking);
}

TEST(RateVerdict, NoiseAloneIsStable) {
    std::uint64_t state = 7;
    const auto series = series_of(3000, 0.1, [&state](double) { return 100 * mib + noise(state, 2 * mib); });
    EXPECT_EQ(series.judge(rate, std::nullopt).verdict, WatchVerdict::stable);
}

TEST(RateVerdict, FewerThanTenSamplesAfterWarmupIsInconclusive) {
    const auto series = series_of(9, 0.1, [](double t) { return 10 * mib + 40e6 * t; });
    EXPECT_EQ(series.judge(rate, std::nullopt).verdict, WatchVerdict::inconclusive);
    // Ten samples in all, but a warm-up that leaves out half of them.
    const auto warm = series_of(12, 0.1, [](double t) { return 10 * mib + 40e6 * t; });
    EXPECT_EQ(warm.judge(rate, 0.5).verdict, WatchVerdict::inconclusive);
}

TEST(RateVerdict, FortyMegabytesPerSecondIsLeaking) {
    const auto judged =
        series_of(50, 0.1, [](double t) { return 10 * mib + 40e6 * t; }).judge(rate, std::nullopt);
    EXPECT_EQ(judged.verdict, WatchVerdict::leaking);
    EXPECT_NEAR(judged.slope_bytes_per_s, 40e6, 1);
}

TEST(RateVerdict, DefaultWarmupIsTenPercentAtMostFiveSeconds) {
    EXPECT_NEAR(series_of(101, 0.1, [](double) { return 0.0; }).judge(rate, std::nullopt).warmup_s, 1.0,
                1e-9);
    EXPECT_NEAR(series_of(1001, 0.1, [](double) { return 0.0; }).judge(rate, std::nullopt).warmup_s, 5.0,
                1e-9);
}

TEST(RateSeries, MemoryIsBoundedAndTheSlopeStaysExact) {
    // 100,000 samples merge into at most bucket_count buckets; least squares from the sums stays exact.
    const auto series = series_of(100000, 0.01, [](double t) { return 1000 + 3000 * t; });
    EXPECT_EQ(series.samples(), 100000U);
    EXPECT_NEAR(series.judge(rate, 0.0).slope_bytes_per_s, 3000, 1e-3);
    EXPECT_NEAR(series.recent_slope(), 3000, 1e-3);
    EXPECT_LE(sizeof(RateSeries), RateSeries::bucket_count * 64 + 64);
}

TEST(BudgetEta, SecondsToTheBudgetAtTheRate) {
    EXPECT_EQ(seconds_to_budget(100, 1100, 10.0), std::optional<double>(100.0));
    EXPECT_EQ(seconds_to_budget(2000, 1100, 10.0), std::optional<double>(0.0));
    EXPECT_EQ(seconds_to_budget(100, 1100, 0.0), std::nullopt);
    EXPECT_EQ(seconds_to_budget(100, 1100, -5.0), std::nullopt);
}

}  // namespace
}  // namespace leakdemo
