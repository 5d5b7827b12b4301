// plan_guard: the budget, its split between compare's children, and the usage errors, before anything runs.
#include <gtest/gtest.h>

#include <string>

#include "app/guard_plan.hpp"
#include "fakes.hpp"

namespace leakdemo {
namespace {

constexpr std::uint64_t mib = std::uint64_t{1} << 20;

// A machine where no figure can be read (no files, no rlimits): only an explicit --max-memory sets the
// budget.
using NothingReadable = testing::FakeSystemReader;

Options with_max_memory(std::uint64_t max_bytes, std::uint64_t block_bytes) {
    Options options;
    options.guard.max_bytes = max_bytes;
    options.block_bytes = block_bytes;
    return options;
}

TEST(PlanGuard, AnExplicitBudgetIsAnnounced) {
    const auto plan = plan_guard(with_max_memory(64 * mib, mib), NothingReadable{}, 1);
    ASSERT_TRUE(plan) << plan.error();
    ASSERT_TRUE(plan->budget);
    EXPECT_EQ(plan->budget->bytes, 64 * mib);
    EXPECT_EQ(plan->notes, "leakdemo: guard: stopping before 64.0 MiB (--max-memory)\n");
}

TEST(PlanGuard, CompareGivesEachChildItsShare) {
    const auto plan = plan_guard(with_max_memory(64 * mib, mib), NothingReadable{}, 2);
    ASSERT_TRUE(plan) << plan.error();
    ASSERT_TRUE(plan->budget);
    EXPECT_EQ(plan->budget->bytes, 32 * mib);
    EXPECT_NE(plan->notes.find("each child"), std::string::npos) << plan->notes;
}

TEST(PlanGuard, ABlockLargerThanTheShareIsAUsageError) {
    EXPECT_TRUE(plan_guard(with_max_memory(3 * mib, 2 * mib), NothingReadable{}, 1));
    const auto plan = plan_guard(with_max_memory(3 * mib, 2 * mib), NothingReadable{}, 2);
    ASSERT_FALSE(plan);
    EXPECT_EQ(plan.error().rfind("--block-size: 2.0 MiB is more than the memory guard allows (1.5 MiB", 0),
              0U)
        << plan.error();
}

TEST(PlanGuard, HugePagesRoundTheBlockBeforeTheCheck) {
    // 3 MiB fits a 3 MiB budget, but --huge-pages allocates 4 MiB: a usage error before anything runs.
    Options options = with_max_memory(3 * mib, 3 * mib);
    EXPECT_TRUE(plan_guard(options, NothingReadable{}, 1));
    options.huge_pages = true;
    const auto plan = plan_guard(options, NothingReadable{}, 1);
    ASSERT_FALSE(plan);
    EXPECT_EQ(plan.error().rfind("--block-size: 3.0 MiB (rounded up to 4.0 MiB by --huge-pages) is more than "
                                 "the memory guard allows (3.0 MiB",
                                 0),
              0U)
        << plan.error();
    options.guard.max_bytes = 4 * mib;
    EXPECT_TRUE(plan_guard(options, NothingReadable{}, 1));
}

TEST(PlanGuard, TheCheckIsOnOneStepOfTheModeNotOneBlock) {
    // 20 MiB blocks fit 32 MiB, but a cycle allocates two of them a step and 4 arena threads four.
    Options options = with_max_memory(32 * mib, 20 * mib);
    EXPECT_TRUE(plan_guard(options, NothingReadable{}, 1));
    options.mode = Mode::cycle;
    auto plan = plan_guard(options, NothingReadable{}, 1);
    ASSERT_FALSE(plan);
    EXPECT_EQ(plan.error().rfind("--block-size: one step of cycle mode allocates 40.0 MiB (two shared_ptr "
                                 "blocks of -b 20.0 MiB",
                                 0),
              0U)
        << plan.error();
    options.mode = Mode::arena;
    options.threads = 4;
    plan = plan_guard(options, NothingReadable{}, 1);
    ASSERT_FALSE(plan);
    EXPECT_NE(plan.error().find("arena mode allocates 80.0 MiB (4 threads x -b 20.0 MiB)"), std::string::npos)
        << plan.error();
}

TEST(PlanGuard, CompareChecksTheLargerStepOfItsTwoModesAgainstTheShare) {
    Options options = with_max_memory(64 * mib, 20 * mib);
    options.command = Command::compare;
    EXPECT_TRUE(plan_guard(options, NothingReadable{}, 2));  // leak and free: 20 MiB of 32 MiB
    options.compare_modes = {Mode::leak, Mode::indirect};
    const auto plan = plan_guard(options, NothingReadable{}, 2);
    ASSERT_FALSE(plan);
    EXPECT_NE(plan.error().find("one step of indirect mode allocates 60.0 MiB"), std::string::npos)
        << plan.error();
}

TEST(PlanGuard, WatchAllocatesNothingSoNoBlockIsChecked) {
    Options options = with_max_memory(mib, 4 * mib);
    options.command = Command::watch;
    EXPECT_TRUE(plan_guard(options, NothingReadable{}, 1));
}

TEST(PlanGuard, QuietRunsSayNothingAboutTheBudget) {
    Options options = with_max_memory(64 * mib, mib);
    options.quiet = true;
    const auto plan = plan_guard(options, NothingReadable{}, 1);
    ASSERT_TRUE(plan) << plan.error();
    EXPECT_TRUE(plan->budget);
    EXPECT_EQ(plan->notes, "");
}

TEST(PlanGuard, NoGuardAndNoFigureAreWarnings) {
    Options off;
    off.guard.enabled = false;
    const auto unguarded = plan_guard(off, NothingReadable{}, 1);
    ASSERT_TRUE(unguarded);
    EXPECT_FALSE(unguarded->budget);
    EXPECT_EQ(unguarded->notes.rfind("leakdemo: warning: --no-guard", 0), 0U) << unguarded->notes;

    const auto unreadable = plan_guard(Options{}, NothingReadable{}, 1);
    ASSERT_TRUE(unreadable);
    EXPECT_FALSE(unreadable->budget);
    EXPECT_EQ(unreadable->notes.rfind("leakdemo: warning: guard: no memory figure", 0), 0U)
        << unreadable->notes;
}

}  // namespace
}  // namespace leakdemo
