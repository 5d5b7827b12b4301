#pragma once

// The verdict for a program that is not ours. A run knows its block size; a program does not, so watch
// judges the rate of growth of one figure (RSS, PSS or USS) over time, after a warm-up:
//
//   leaking       the least-squares slope over the samples after the warm-up is at least --leak-rate, AND
//                 the floor keeps rising: the floor of each third of that window (the 20th percentile
//                 of its lowest values, so a few low outliers do not count) is higher than the floor of
//                 the third before by at least half of what --leak-rate predicts for a third.
//   stable        otherwise;
//   inconclusive  fewer than 10 samples after the warm-up.
//
// The floor test is what tells a leak from the two shapes a slope alone mistakes for one: a one-time step
// followed by a plateau (a cache filling up) raises the floor once, not in every third; a saw-tooth (a GC
// heap, an arena reused) keeps its floor. A slow steady leak under noise raises it in every third.
//
// The series is kept in a bounded number of buckets (each the count, sums for the regression, and the
// minimum of its samples); when they are full, neighbours merge, so a run of any length keeps O(1) memory.
#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>

#include "measure/watch_record.hpp"

namespace leakdemo {

inline constexpr std::uint64_t min_samples_for_verdict = 10;
// The default warm-up: the first 10 % of the run, at most 5 s.
inline constexpr double default_warmup_fraction = 0.10;
inline constexpr double default_warmup_max_s = 5.0;

struct RateJudgement {
    WatchVerdict verdict = WatchVerdict::inconclusive;
    double slope_bytes_per_s = 0;  // over the samples after the warm-up (0 with fewer than two)
    double warmup_s = 0;           // the warm-up actually applied
    std::uint64_t samples = 0;     // after the warm-up
};

class RateSeries {
  public:
    static constexpr std::size_t bucket_count = 240;

    // Adds one sample: `t_s` seconds since the first, `bytes` of the judged figure. t must not decrease.
    void add(double t_s, double bytes);

    // The verdict over what was added. `warmup_s`: nullopt for the default (10 % of the run, at most 5 s).
    RateJudgement judge(double leak_rate_bytes_per_s, std::optional<double> warmup_s) const;

    // The least-squares slope over the last third of the samples (the "current" rate), 0 if too few.
    double recent_slope() const;

    std::uint64_t samples() const { return m_samples; }

  private:
    struct Bucket {
        std::uint64_t n = 0;
        double t_first = 0;
        double sum_t = 0;
        double sum_y = 0;
        double sum_tt = 0;
        double sum_ty = 0;
        double min_y = 0;
    };
    struct Fit;
    void merge_pairs();
    Fit fit(std::size_t from, std::size_t to) const;
    double floor_of(std::size_t from, std::size_t to) const;

    std::array<Bucket, bucket_count> m_buckets{};
    std::size_t m_used = 0;
    std::uint64_t m_per_bucket = 1;  // samples per full bucket; doubles at each merge
    std::uint64_t m_samples = 0;
    double m_last_t = 0;
};

}  // namespace leakdemo
