#include "measure/run_loop.hpp"

#include <fmt/format.h>

#include "measure/summary.hpp"
#include "util/units.hpp"

namespace leakdemo {
namespace {

Record make_record(std::uint64_t iteration, std::int64_t baseline_ns, const Workload& workload,
                   const MemorySample& sample) {
    Record record;
    record.iteration = iteration;
    record.elapsed_ns = sample.timestamp_ns - baseline_ns;
    record.mode = workload.mode();
    record.block_bytes = workload.block_bytes();
    record.counters = workload.counters();
    record.sample = sample;
    return record;
}

// Paced on a schedule, not from the end of each iteration, so the work's own time adds no drift. After a
// pause (Ctrl-Z, SIGSTOP, an iteration slower than the interval) the missed ticks are skipped, not fired
// back to back: the schedule resumes from now, so two iterations never come closer than the interval.
std::chrono::nanoseconds next_deadline(std::chrono::nanoseconds previous, std::chrono::nanoseconds interval,
                                       std::chrono::nanoseconds now) {
    const auto scheduled = previous + interval;
    return scheduled > now ? scheduled : now + interval;
}

// Touches the stack the loop's deepest calls will reach (a guard re-read parsing /proc and cgroup files every
// few hundred milliseconds, a report's bucket merge), so that their first use mid-run does not add a stack
// page to RSS: the observer's memory must not move after the baseline.
[[gnu::noinline]] void touch_stack_before_baseline() {
    constexpr std::size_t bytes = 64 * 1024;
    volatile unsigned char area[bytes];
    for (std::size_t offset = 0; offset < bytes; offset += 4096) {
        area[offset] = 0;
    }
    asm volatile("" : : "r"(area) : "memory");
}

}  // namespace

LoopResult run_loop(const LoopConfig& config, LoopParts parts) {
    auto stop_requested = [&parts] { return parts.stop_requested != nullptr ? parts.stop_requested() : 0; };

    SummaryBuilder summary;
    LoopResult result;
    StopReason reason = StopReason::completed;

    touch_stack_before_baseline();
    parts.guard.warm_up();
    // Sample 0: the baseline, before any allocation.
    const MemorySample baseline = parts.sampler.sample();
    const std::int64_t baseline_ns = baseline.timestamp_ns;
    std::chrono::nanoseconds deadline = parts.clock.now();  // the schedule's start: iteration 1 runs at once
    // The latest sample's RSS: the guard judges it too (no extra /proc read, no allocation per iteration).
    std::uint64_t rss_now = baseline.rss_bytes;
    {
        const Record record = make_record(0, baseline_ns, parts.workload, baseline);
        summary.add(record);
        parts.sink.record(record);
    }

    for (std::uint64_t iteration = 1; !config.iterations || iteration <= *config.iterations; ++iteration) {
        if (const int signal_number = stop_requested(); signal_number != 0) {
            reason = StopReason::interrupted;
            result.signal_number = signal_number;
            break;
        }
        if (parts.step_gate != nullptr && !parts.step_gate->wait_for_step()) {
            reason = StopReason::interrupted;
            result.signal_number = stop_requested();
            break;
        }
        const std::uint64_t block = parts.workload.block_bytes();
        // What this step may add: more than one block for a chain, a cycle's pair, every thread's block.
        const std::uint64_t in_use =
            guarded_bytes(parts.workload.counters().outstanding_bytes, rss_now, baseline.rss_bytes);
        if (auto why = parts.guard.refuse(in_use, parts.workload.step_bytes())) {
            reason = StopReason::guard;
            result.stop_message = fmt::format("guard: stopped before iteration {}: {}", iteration, *why);
            break;
        }
        if (!parts.workload.step()) {
            reason = StopReason::alloc_failed;
            result.stop_message =
                fmt::format("allocation failed at iteration {}: malloc({}) returned NULL ({})", iteration,
                            block, format_bytes(block));
            break;
        }
        const Record record = make_record(iteration, baseline_ns, parts.workload, parts.sampler.sample());
        rss_now = record.sample.rss_bytes;
        summary.add(record);
        parts.sink.record(record);

        if (config.iterations && iteration == *config.iterations) {
            break;
        }
        if (config.interval.count() > 0) {
            deadline = next_deadline(deadline, config.interval, parts.clock.now());
            if (!parts.clock.sleep_until(deadline)) {
                reason = StopReason::interrupted;
                result.signal_number = stop_requested();
                break;
            }
        }
    }

    // Elapsed up to now, not up to the last sample: a run stopped in its sleep took that sleep too.
    result.summary =
        summary.finish(reason, parts.sampler.peak_rss_bytes(), parts.clock.now().count() - baseline_ns,
                       config.budget_bytes, parts.workload.verdict_basis());
    result.summary.expected = parts.workload.expected_at_exit();
    parts.sink.summary(result.summary);
    return result;
}

}  // namespace leakdemo
