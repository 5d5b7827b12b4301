#include "watch/rate.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace leakdemo {

struct RateSeries::Fit {
    std::uint64_t n = 0;
    double slope = 0;
    double min_y = std::numeric_limits<double>::infinity();
};

// The floor of buckets [from, to): the 20th percentile of their minima, so a few low samples (a child
// that exited just before its parent, a child not yet found by the scan) do not count.
double RateSeries::floor_of(std::size_t from, std::size_t to) const {
    std::array<double, bucket_count> minima{};
    std::size_t count = 0;
    for (std::size_t at = from; at < to; ++at) {
        minima[count++] = m_buckets[at].min_y;
    }
    if (count == 0) {
        return std::numeric_limits<double>::infinity();
    }
    const auto nth = minima.begin() + static_cast<std::ptrdiff_t>(count / 5);
    std::nth_element(minima.begin(), nth, minima.begin() + static_cast<std::ptrdiff_t>(count));
    return *nth;
}

void RateSeries::add(double t_s, double bytes) {
    if (m_used == 0 || m_buckets[m_used - 1].n >= m_per_bucket) {
        if (m_used == bucket_count) {
            merge_pairs();
        }
        m_buckets[m_used++] = Bucket{0, t_s, 0, 0, 0, 0, bytes};
    }
    Bucket& bucket = m_buckets[m_used - 1];
    ++bucket.n;
    bucket.sum_t += t_s;
    bucket.sum_y += bytes;
    bucket.sum_tt += t_s * t_s;
    bucket.sum_ty += t_s * bytes;
    bucket.min_y = std::min(bucket.min_y, bytes);
    ++m_samples;
    m_last_t = t_s;
}

// Full: every two neighbours become one, and a bucket now holds twice as many samples.
void RateSeries::merge_pairs() {
    std::size_t out = 0;
    for (std::size_t at = 0; at + 1 < m_used; at += 2, ++out) {
        Bucket merged = m_buckets[at];
        const Bucket& next = m_buckets[at + 1];
        merged.n += next.n;
        merged.sum_t += next.sum_t;
        merged.sum_y += next.sum_y;
        merged.sum_tt += next.sum_tt;
        merged.sum_ty += next.sum_ty;
        merged.min_y = std::min(merged.min_y, next.min_y);
        m_buckets[out] = merged;
    }
    if (m_used % 2 == 1) {
        m_buckets[out++] = m_buckets[m_used - 1];
    }
    m_used = out;
    m_per_bucket *= 2;
}

// Least squares over buckets [from, to): exact, from the sums.
RateSeries::Fit RateSeries::fit(std::size_t from, std::size_t to) const {
    Fit result;
    double sum_t = 0;
    double sum_y = 0;
    double sum_tt = 0;
    double sum_ty = 0;
    for (std::size_t at = from; at < to; ++at) {
        const Bucket& b = m_buckets[at];
        result.n += b.n;
        sum_t += b.sum_t;
        sum_y += b.sum_y;
        sum_tt += b.sum_tt;
        sum_ty += b.sum_ty;
        result.min_y = std::min(result.min_y, b.min_y);
    }
    if (result.n >= 2) {
        const auto n = static_cast<double>(result.n);
        const double sxx = sum_tt - sum_t * sum_t / n;
        const double sxy = sum_ty - sum_t * sum_y / n;
        result.slope = sxx > 0 ? sxy / sxx : 0;
    }
    return result;
}

RateJudgement RateSeries::judge(double leak_rate_bytes_per_s, std::optional<double> warmup_s) const {
    RateJudgement judgement;
    const double run_s = m_used > 0 ? m_last_t - m_buckets[0].t_first : 0;
    judgement.warmup_s =
        warmup_s ? *warmup_s : std::min(default_warmup_max_s, default_warmup_fraction * run_s);
    // The first bucket that starts at or after the warm-up.
    std::size_t first = 0;
    while (first < m_used && m_buckets[first].t_first - m_buckets[0].t_first < judgement.warmup_s) {
        ++first;
    }
    const Fit all = fit(first, m_used);
    judgement.samples = all.n;
    judgement.slope_bytes_per_s = all.slope;
    const std::size_t buckets = m_used - first;
    if (all.n < min_samples_for_verdict || buckets < 3) {
        judgement.verdict = WatchVerdict::inconclusive;
        return judgement;
    }
    // The floor of each third must rise by half of what the rate predicts for a third.
    const std::size_t cut1 = first + buckets / 3;
    const std::size_t cut2 = first + 2 * buckets / 3;
    const double third_s = (m_last_t - m_buckets[first].t_first) / 3.0;
    const double rise = 0.5 * leak_rate_bytes_per_s * third_s;
    const double floor1 = floor_of(first, cut1);
    const double floor2 = floor_of(cut1, cut2);
    const double floor3 = floor_of(cut2, m_used);
    const bool floor_rises = floor2 - floor1 >= rise && floor3 - floor2 >= rise;
    judgement.verdict =
        all.slope >= leak_rate_bytes_per_s && floor_rises ? WatchVerdict::leaking : WatchVerdict::stable;
    return judgement;
}

double RateSeries::recent_slope() const {
    if (m_used < 3) {
        return fit(0, m_used).slope;
    }
    return fit(m_used - std::max<std::size_t>(m_used / 3, 2), m_used).slope;
}

}  // namespace leakdemo
