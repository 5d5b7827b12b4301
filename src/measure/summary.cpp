#include "measure/summary.hpp"

#include <algorithm>

namespace leakdemo {

std::uint64_t verdict_threshold_bytes(const VerdictBasis& basis) {
    const std::uint64_t transient =
        basis.step_bytes > basis.retained_bytes ? basis.step_bytes - basis.retained_bytes : 0;
    // No overflow: blocks are at most 2^46 bytes (cli/convert), a step at most 64 of them.
    return transient + transient / 2 + verdict_growth_floor_bytes;
}

std::uint64_t verdict_growth_per_iteration_bytes(const VerdictBasis& basis) {
    return basis.retained_bytes > 0 ? basis.retained_bytes : basis.step_bytes;
}

Verdict verdict_for(double rss_slope_bytes, const VerdictBasis& basis, std::uint64_t iterations) {
    if (iterations < min_iterations_for_verdict) {
        return Verdict::inconclusive;
    }
    const auto n = static_cast<double>(iterations);
    const auto threshold = static_cast<double>(verdict_threshold_bytes(basis));
    if (rss_slope_bytes * n >= threshold) {
        return Verdict::leaking;
    }
    // Could this mode's growth have shown at all? If not, "stable" would claim too much.
    const auto per_iteration = static_cast<double>(verdict_growth_per_iteration_bytes(basis));
    return per_iteration * n < threshold ? Verdict::inconclusive : Verdict::stable;
}

void SlopeAccumulator::add(double x, double y) {
    ++m_count;
    const auto n = static_cast<double>(m_count);
    const double dx = x - m_mean_x;
    m_mean_x += dx / n;
    m_mean_y += (y - m_mean_y) / n;
    // Welford's co-moment update: uses the new mean of y and the old deviation of x.
    m_sxx += dx * (x - m_mean_x);
    m_sxy += dx * (y - m_mean_y);
}

double SlopeAccumulator::slope() const {
    if (m_count < 2 || m_sxx <= 0) {
        return 0;
    }
    return m_sxy / m_sxx;
}

std::optional<double> seconds_to_budget(std::uint64_t current_bytes, std::uint64_t budget_bytes,
                                        double bytes_per_s) {
    // Below a byte per second the line is flat: a time to the limit would be noise (centuries).
    if (!(bytes_per_s >= 1.0)) {
        return std::nullopt;
    }
    if (current_bytes >= budget_bytes) {
        return 0.0;
    }
    return static_cast<double>(budget_bytes - current_bytes) / bytes_per_s;
}

std::uint64_t guarded_bytes(std::uint64_t outstanding_bytes, std::uint64_t rss_bytes,
                            std::uint64_t rss_baseline_bytes) {
    const std::uint64_t rss_growth = rss_bytes > rss_baseline_bytes ? rss_bytes - rss_baseline_bytes : 0;
    return std::max(outstanding_bytes, rss_growth);
}

void SummaryBuilder::add(const Record& record) {
    if (!m_first) {
        m_first = record;
    }
    m_last = record;
    const std::uint64_t rss = record.sample.rss_bytes;
    if (record.iteration == m_first->iteration || rss > m_peak_bytes) {
        m_peak_bytes = rss;
        m_peak_iteration = record.iteration;
        m_low_after_peak_bytes = rss;
    }
    m_low_after_peak_bytes = std::min(m_low_after_peak_bytes, rss);
    m_slope.add(static_cast<double>(record.iteration), static_cast<double>(record.sample.rss_bytes));
    // The time to the budget follows the figure the guard judges, not the RSS alone: free mode's RSS may
    // creep by a page while nothing is leaked or held.
    m_slope_per_second.add(static_cast<double>(record.elapsed_ns) / 1e9,
                           static_cast<double>(guarded_bytes(record.counters.outstanding_bytes, rss,
                                                             m_first->sample.rss_bytes)));
    m_outstanding_per_second.add(static_cast<double>(record.elapsed_ns) / 1e9,
                                 static_cast<double>(record.counters.outstanding_bytes));
}

Summary SummaryBuilder::finish(StopReason reason, std::optional<std::uint64_t> hwm_bytes,
                               std::optional<std::int64_t> elapsed_ns,
                               std::optional<std::uint64_t> budget_bytes,
                               std::optional<VerdictBasis> basis) const {
    Summary summary;
    summary.stop_reason = reason;
    summary.hwm_bytes = hwm_bytes;
    summary.budget_bytes = budget_bytes;
    if (!m_first) {
        summary.verdict = Verdict::inconclusive;  // no sample, no conclusion
        return summary;
    }
    summary.mode = m_last.mode;
    summary.iterations = m_last.iteration;
    summary.elapsed_s = static_cast<double>(std::max(elapsed_ns.value_or(0), m_last.elapsed_ns)) / 1e9;
    summary.block_bytes = m_last.block_bytes;
    summary.requested_bytes = m_last.counters.requested_bytes;
    summary.leaked_bytes = m_last.counters.leaked_bytes;
    summary.outstanding_bytes = m_last.counters.outstanding_bytes;
    summary.rss_start_bytes = m_first->sample.rss_bytes;
    summary.rss_end_bytes = m_last.sample.rss_bytes;
    summary.rss_growth_bytes = static_cast<std::int64_t>(m_last.sample.rss_bytes) -
                               static_cast<std::int64_t>(m_first->sample.rss_bytes);
    summary.rss_growth_per_iteration_bytes = m_slope.slope();
    summary.maxrss_bytes = m_last.sample.maxrss_bytes;
    summary.rss_peak_bytes = m_peak_bytes;
    summary.rss_peak_iteration = m_peak_iteration;
    summary.rss_low_after_peak_bytes = m_low_after_peak_bytes;
    summary.verdict_basis = basis.value_or(VerdictBasis{summary.block_bytes, summary.block_bytes});
    summary.verdict =
        verdict_for(summary.rss_growth_per_iteration_bytes, summary.verdict_basis, summary.iterations);
    if (m_last.sample.minor_faults >= m_first->sample.minor_faults) {  // a counter; fakes may not say so
        summary.minor_faults = m_last.sample.minor_faults - m_first->sample.minor_faults;
    }
    if (summary.iterations > 0) {
        summary.minor_faults_per_block =
            static_cast<double>(summary.minor_faults) / static_cast<double>(summary.iterations);
    }
    if (budget_bytes) {
        // Unless the verdict says the RSS grows, its growth may be a one-time step (free mode's block kept on
        // the heap top, the first pages of a tiny-block run): extrapolating it would predict a limit the run
        // never nears, so only leaked + held is followed then.
        if (summary.verdict != Verdict::leaking) {
            summary.budget_eta_s =
                seconds_to_budget(summary.outstanding_bytes, *budget_bytes, m_outstanding_per_second.slope());
        } else {
            const std::uint64_t guarded =
                guarded_bytes(summary.outstanding_bytes, summary.rss_end_bytes, summary.rss_start_bytes);
            summary.budget_eta_s = seconds_to_budget(guarded, *budget_bytes, m_slope_per_second.slope());
        }
    }
    return summary;
}

}  // namespace leakdemo
