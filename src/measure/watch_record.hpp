#pragma once

// `leakdemo watch`'s records as plain data: one sample of a watched process tree and the summary at the
// end. They live here, below output/, so output/schema.hpp can list their fields like the run's; the code
// that fills them is in src/watch/.
#include <cstdint>
#include <optional>
#include <string_view>

#include "util/enum_names.hpp"

namespace leakdemo {

// Which figure the rate verdict judges (--metric).
enum class Metric { rss, pss, uss };
// A watched program's verdict: judged on its rate of growth (watch/rate.hpp).
enum class WatchVerdict { stable, leaking, inconclusive };
// How watching ended.
enum class WatchStopReason { exited, signaled, interrupted, guard, limit };

template <>
inline constexpr auto enum_names<Metric> = std::to_array<std::pair<Metric, std::string_view>>(
    {{Metric::rss, "rss"}, {Metric::pss, "pss"}, {Metric::uss, "uss"}});
template <>
inline constexpr auto enum_names<WatchVerdict> =
    std::to_array<std::pair<WatchVerdict, std::string_view>>({{WatchVerdict::stable, "stable"},
                                                              {WatchVerdict::leaking, "leaking"},
                                                              {WatchVerdict::inconclusive, "inconclusive"}});
template <>
inline constexpr auto enum_names<WatchStopReason> =
    std::to_array<std::pair<WatchStopReason, std::string_view>>({{WatchStopReason::exited, "exited"},
                                                                 {WatchStopReason::signaled, "signaled"},
                                                                 {WatchStopReason::interrupted,
                                                                  "interrupted"},
                                                                 {WatchStopReason::guard, "guard"},
                                                                 {WatchStopReason::limit, "limit"}});

// The default --leak-rate: 1 MiB per minute (docs/watch.md says why).
inline constexpr double default_leak_rate_bytes_per_s = 1048576.0 / 60.0;

// One sample of the watched tree: every figure summed over its `processes` processes. A figure that could
// not be read for some process is nullopt (empty in CSV, null in JSON Lines).
struct WatchRecord {
    std::uint64_t iteration = 0;
    std::int64_t elapsed_ns = 0;
    std::uint64_t pid = 0;  // the top process
    std::uint64_t processes = 0;
    std::uint64_t rss_bytes = 0;
    std::uint64_t hwm_bytes = 0;  // the sum of VmHWM
    std::uint64_t vsz_bytes = 0;
    std::uint64_t rss_anon_bytes = 0;
    std::uint64_t rss_file_bytes = 0;
    std::uint64_t rss_shmem_bytes = 0;
    std::optional<std::uint64_t> pss_bytes;  // smaps_rollup, at most every --pss-interval
    std::optional<std::uint64_t> uss_bytes;  // Private_Clean + Private_Dirty, as pss_bytes
    std::uint64_t minor_faults = 0;
    std::uint64_t major_faults = 0;
    std::optional<double> budget_eta_s;  // seconds to the guard's budget at the current rate
};

struct WatchSummary {
    std::uint64_t pid = 0;
    std::uint64_t samples = 0;
    double elapsed_s = 0;
    Metric metric = Metric::rss;
    WatchVerdict verdict = WatchVerdict::inconclusive;
    double slope_bytes_per_s = 0;
    double leak_rate_bytes_per_s = 0;
    double warmup_s = 0;
    std::uint64_t rss_start_bytes = 0;
    std::uint64_t rss_end_bytes = 0;
    std::uint64_t peak_rss_bytes = 0;
    std::optional<std::uint64_t> peak_pss_bytes;
    std::uint64_t hwm_bytes = 0;
    std::uint64_t max_processes = 0;
    std::optional<std::uint64_t> exit_status;  // COMMAND's own status, or 128+N; null when detached
    WatchStopReason stop_reason = WatchStopReason::exited;
    std::optional<std::uint64_t> budget_bytes;
    std::optional<double> budget_eta_s;
};

}  // namespace leakdemo
