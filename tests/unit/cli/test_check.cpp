// Step (c) of the command line without CLI11: combinations of options that cannot work together.
#include <gtest/gtest.h>

#include "cli/check.hpp"

namespace leakdemo {
namespace {

TEST(CheckCombinations, NothingGivenIsFine) {
    EXPECT_TRUE(check_combinations(RawOptions{}));
}

TEST(CheckCombinations, ReportNeedsAFile) {
    RawOptions raw;
    raw.report_path = "-";
    const Status status = check_combinations(raw);
    ASSERT_FALSE(status);
    EXPECT_EQ(status.error(), "--report: needs a file name (the HTML report is not written to stdout)");
    raw.report_path = "run.html";
    EXPECT_TRUE(check_combinations(raw));
}

TEST(CheckCombinations, SummaryOnlyWritesNoSamples) {
    RawOptions raw;
    raw.summary_only = true;
    EXPECT_TRUE(check_combinations(raw));
    raw.output_path = "run.csv";
    const Status status = check_combinations(raw);
    ASSERT_FALSE(status);
    EXPECT_EQ(status.error(), "--summary-only: cannot be combined with --output (it writes no samples)");
}

TEST(CheckCombinations, CompareTakesModesNotMode) {
    RawOptions raw;
    raw.mode = "free";
    EXPECT_TRUE(check_combinations(raw)) << "--mode is the single run's";
    raw.compare = true;
    const Status status = check_combinations(raw);
    ASSERT_FALSE(status);
    EXPECT_EQ(status.error(), "--mode: not used by compare; give the two modes with --modes A,B");
}

TEST(CheckCombinations, CompareHasNoSummaryOnly) {
    RawOptions raw;
    raw.compare = true;
    EXPECT_TRUE(check_combinations(raw));
    raw.summary_only = true;
    const Status status = check_combinations(raw);
    ASSERT_FALSE(status);
    EXPECT_EQ(status.error(), "--summary-only: not available with compare");
}

}  // namespace
}  // namespace leakdemo
