#include "app/guard_plan.hpp"

#include <fmt/format.h>

#include <string>
#include <vector>

#include "measure/workload.hpp"
#include "measure/workload_factory.hpp"
#include "util/units.hpp"

namespace leakdemo {
namespace {

// The modes this command runs: compare's two, watch's none (it allocates nothing), otherwise one.
std::vector<Mode> modes_run(const Options& options) {
    if (options.command == Command::compare) {
        return {options.compare_modes.begin(), options.compare_modes.end()};
    }
    if (options.command == Command::watch) {
        return {};
    }
    return {options.mode};
}

// What one step of `mode` is made of, in the words of its workload (measure/scenarios.hpp).
std::string step_parts(Mode mode, const Options& options) {
    const std::string block = format_bytes(options.block_bytes);
    switch (mode) {
        case Mode::arena:
            return fmt::format("{} threads x -b {}", options.threads, block);
        case Mode::cycle:
            return fmt::format("two shared_ptr blocks of -b {} and a control block each", block);
        case Mode::indirect:
            return fmt::format("a 16-byte head and 3 nodes of -b {} and a pointer each", block);
        case Mode::fragment:
            return fmt::format("-b {} in 1 KiB chunks, each with a 16-byte header", block);
        case Mode::mmap:
            return fmt::format("-b {} in whole pages", block);
        default:
            return fmt::format("-b {}", block);
    }
}

// Before the run, what one step of each mode really allocates must fit the budget, or the run would start
// only to stop at iteration 1 (exit 3). The figure is the workload's own (Workload::step_bytes: a cycle's
// two shared blocks, a chain of nodes, every thread's block, --huge-pages' rounding), asked of a workload
// made for the purpose: its constructor allocates none of the workload's memory.
Status check_one_step_fits(const Options& options, std::uint64_t budget_bytes, const std::string& source,
                           const std::string& whose) {
    for (const Mode mode : modes_run(options)) {
        Options one = options;
        one.mode = mode;
        const std::uint64_t step = make_workload(workload_config(one))->step_bytes();
        if (step <= budget_bytes) {
            continue;
        }
        const std::string allowed = fmt::format("more than the memory guard allows ({}, {}{})",
                                                format_bytes(budget_bytes), source, whose);
        if (step == options.block_bytes) {
            return Status::fail(fmt::format("--block-size: {} is {}; lower it or raise --max-memory",
                                            format_bytes(step), allowed));
        }
        if (options.huge_pages && step == huge_block_bytes(options.block_bytes)) {
            return Status::fail(fmt::format(
                "--block-size: {} (rounded up to {} by --huge-pages) is {}; lower it or raise --max-memory",
                format_bytes(options.block_bytes), format_bytes(step), allowed));
        }
        return Status::fail(fmt::format(
            "--block-size: one step of {} mode allocates {} ({}), {}; lower -b{} or raise --max-memory",
            to_string(mode), format_bytes(step), step_parts(mode, options), allowed,
            mode == Mode::arena ? " or --threads" : ""));
    }
    return success();
}

}  // namespace

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
    if (const Status fits = check_one_step_fits(options, budget.bytes, budget.source, whose); !fits) {
        return Result::fail(fits.error());
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
