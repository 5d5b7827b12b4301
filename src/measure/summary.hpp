#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "measure/record.hpp"

namespace leakdemo {

enum class StopReason { completed, interrupted, alloc_failed, guard };
enum class Verdict { stable, leaking, inconclusive };

template <>
inline constexpr auto enum_names<StopReason> =
    std::to_array<std::pair<StopReason, std::string_view>>({{StopReason::completed, "completed"},
                                                            {StopReason::interrupted, "interrupted"},
                                                            {StopReason::alloc_failed, "alloc_failed"},
                                                            {StopReason::guard, "guard"}});
template <>
inline constexpr auto enum_names<Verdict> = std::to_array<std::pair<Verdict, std::string_view>>(
    {{Verdict::stable, "stable"}, {Verdict::leaking, "leaking"}, {Verdict::inconclusive, "inconclusive"}});

// The verdict rule (documented in docs/verdict.md), judged against what a step allocates and keeps
// (VerdictBasis, from Workload::verdict_basis). Resident memory also moves in one-time steps that are no
// leak: the first run of a code path maps a 64 KiB fault-around window of library code, the heap grows by a
// few pages, glibc moves a freed mmap'd block into the heap once (free mode), each thread's arena keeps one
// freed block (arena mode). The largest such step a workload can make is its transient bytes (step -
// retained: what a step allocates and gives back). A least-squares line through one step of s bytes grows by
// at most 1.5 s over the run, wherever the step falls, and the bounds of several steps add; so growth below
// verdict_threshold_bytes = 1.5 x transient + verdict_growth_floor_bytes (four 64 KiB windows, for the steps
// of the code and heap) proves nothing. The verdict is
// - `inconclusive` with fewer than min_iterations_for_verdict iterations (a step and a leak look alike);
// - `leaking` when RSS grew, by the slope over all samples times the iterations, by at least the threshold;
// - `inconclusive` when it did not, but what the mode keeps per iteration (or, for a mode that keeps
//   nothing, a whole step) times the iterations is below the threshold too: the run could not have shown
//   this mode's growth (`-b 1 -n 50`, fragment's 64 KiB a step over 10 steps);
// - `stable` otherwise.
inline constexpr std::uint64_t min_iterations_for_verdict = 3;
inline constexpr std::uint64_t verdict_growth_floor_bytes = std::uint64_t{256} << 10;
// The growth a run must reach to be called leaking: 1.5 x (step - retained) + the floor.
std::uint64_t verdict_threshold_bytes(const VerdictBasis& basis);
// What a run of this basis would grow by per iteration if it kept what the mode keeps (a whole step for a
// mode that keeps nothing): the growth that decides whether a run could have shown anything.
std::uint64_t verdict_growth_per_iteration_bytes(const VerdictBasis& basis);
Verdict verdict_for(double rss_slope_bytes, const VerdictBasis& basis, std::uint64_t iterations);

// Least-squares slope of y against x, updated one point at a time (Welford), so a run of any length
// keeps O(1) memory: leakdemo must not grow its own RSS while it measures RSS.
class SlopeAccumulator {
  public:
    void add(double x, double y);
    double slope() const;  // 0 with fewer than two distinct x
    std::uint64_t count() const { return m_count; }

  private:
    std::uint64_t m_count = 0;
    double m_mean_x = 0;
    double m_mean_y = 0;
    double m_sxx = 0;
    double m_sxy = 0;
};

struct Summary {
    Mode mode = Mode::leak;
    std::uint64_t iterations = 0;  // completed iterations (samples - 1)
    double elapsed_s = 0;
    std::uint64_t block_bytes = 0;
    std::uint64_t requested_bytes = 0;
    std::uint64_t leaked_bytes = 0;
    std::uint64_t outstanding_bytes = 0;
    std::uint64_t rss_start_bytes = 0;
    std::uint64_t rss_end_bytes = 0;
    std::int64_t rss_growth_bytes = 0;
    double rss_growth_per_iteration_bytes = 0;
    std::uint64_t maxrss_bytes = 0;
    std::optional<std::uint64_t> hwm_bytes;
    Verdict verdict = Verdict::stable;
    StopReason stop_reason = StopReason::completed;
    // Minor page faults during the run (last sample - baseline) and per block: ~1,001 for a 4,096,000-byte
    // block on 4 KiB pages, a handful with --huge-pages (one fault maps 2 MiB).
    std::uint64_t minor_faults = 0;
    double minor_faults_per_block = 0;
    // The shape of RSS over the run, for words (not in the record schema): its highest sample, the first
    // iteration that reached it, and the lowest sample after that. Free mode's one-time step reads as
    // "rose to X by iteration 2, then flat" instead of an average that looks like growth.
    std::uint64_t rss_peak_bytes = 0;
    std::uint64_t rss_peak_iteration = 0;
    std::uint64_t rss_low_after_peak_bytes = 0;
    // Time to the limit: the guard's budget (nullopt without a guard) and the seconds until the outstanding
    // bytes reach it at the measured rate of RSS growth per second (nullopt when RSS is not growing).
    std::optional<std::uint64_t> budget_bytes;
    std::optional<double> budget_eta_s;
    // What each leak checker should report at exit, by construction of the mode (Workload::expected_at_exit).
    LeakClassification expected;
    // What the verdict was judged against (Workload::verdict_basis), for the words that say why.
    VerdictBasis verdict_basis;
};

// Seconds until `current_bytes` reaches `budget_bytes` at `bytes_per_s`; nullopt when not growing (under 1
// B/s), 0 at or past the budget. Shared by the run's summary and `leakdemo watch`.
std::optional<double> seconds_to_budget(std::uint64_t current_bytes, std::uint64_t budget_bytes,
                                        double bytes_per_s);

// What the memory guard judges: leaked + held, or the RSS growth since the baseline if larger. The payload
// alone undercounts tiny blocks (a 1-byte entry costs ~96 B of heap: chunk header, map node), the RSS alone
// undercounts --touch none; the larger of the two is what the process really holds.
std::uint64_t guarded_bytes(std::uint64_t outstanding_bytes, std::uint64_t rss_bytes,
                            std::uint64_t rss_baseline_bytes);

// Folds records into a Summary as they arrive. Without a `basis` at finish, the last record's block is both
// the step and what it retains (leak mode).
class SummaryBuilder {
  public:
    void add(const Record& record);
    // `elapsed_ns`: wall time from the baseline to now (the summary's moment, not the last sample's: an
    // interrupted sleep still counts); without it, the last sample's time.
    Summary finish(StopReason reason, std::optional<std::uint64_t> hwm_bytes,
                   std::optional<std::int64_t> elapsed_ns = std::nullopt,
                   std::optional<std::uint64_t> budget_bytes = std::nullopt,
                   std::optional<VerdictBasis> basis = std::nullopt) const;

  private:
    std::optional<Record> m_first;
    Record m_last;
    SlopeAccumulator m_slope;
    std::uint64_t m_peak_bytes = 0;
    std::uint64_t m_peak_iteration = 0;
    std::uint64_t m_low_after_peak_bytes = 0;
    SlopeAccumulator m_slope_per_second;        // guarded_bytes over seconds: the time to the guard's budget
    SlopeAccumulator m_outstanding_per_second;  // leaked + held over seconds: when the RSS step was transient
};

}  // namespace leakdemo
