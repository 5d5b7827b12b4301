#include "app/guard_plan.hpp"

#include <fmt/format.h>

#include "measure/workload.hpp"
#include "util/units.hpp"

namespace leakdemo {

Expected<GuardPlan> plan_guard(const Options& options, const SystemReader& system, std::uint64_t shares) {
    using Result = Expected<GuardPlan>;
    GuardPlan plan;
    if (!options.guard.enabled) {
        plan.notes =
            "leakdemo: warning: --no-guard: the memory guard is off; a runaway leak ends when malloc fails "
            "or the OOM killer sends SIGKILL\n";
        return Result::ok(plan);
    }
    const auto resolution = resolve_budget(options.guard, system);
    if (!resolution) {
        return Result::fail(fmt::format("--max-memory: {}", resolution.error()));
    }
    if (!resolution->budget) {
        plan.notes = fmt::format("leakdemo: warning: {}\n", resolution->warning);
        return Result::ok(plan);
    }
    Budget budget = *resolution->budget;
    const std::string whose =
        shares > 1 ? fmt::format(", each of {} children gets 1/{}", shares, shares) : "";
    budget.bytes /= shares;
    // What one block really costs: --huge-pages rounds it up to 2 MiB first, so the check is on that.
    const std::uint64_t block =
        options.huge_pages ? huge_block_bytes(options.block_bytes) : options.block_bytes;
    if (block > budget.bytes) {
        const std::string rounded =
            block != options.block_bytes
                ? fmt::format(" (rounded up to {} by --huge-pages)", format_bytes(block))
                : "";
        return Result::fail(fmt::format(
            "--block-size: {}{} is more than the memory guard allows ({}, {}{}); lower it or "
            "raise --max-memory",
            format_bytes(options.block_bytes), rounded, format_bytes(budget.bytes), budget.source, whose));
    }
    // The budget line is for people watching; --summary-only output is the one-liner a script reads.
    if (!options.quiet && !options.summary_only) {
        plan.notes =
            fmt::format("leakdemo: guard: stopping {}before {} ({}{})\n", shares > 1 ? "each child " : "",
                        format_bytes(budget.bytes), budget.source, whose);
    }
    plan.budget = budget;
    return Result::ok(plan);
}

std::unique_ptr<Guard> make_guard(const GuardPlan& plan, const SystemReader& system, Clock& clock) {
    if (plan.budget) {
        return std::make_unique<MemoryGuard>(*plan.budget, system, clock);
    }
    return std::make_unique<NoGuard>();
}

}  // namespace leakdemo
