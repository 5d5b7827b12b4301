// Options that do nothing where they were given are said once on stderr (cli/warnings.hpp).
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "cli/warnings.hpp"

namespace leakdemo {
namespace {

std::vector<std::string> warnings_for(const Options& options, Format stdout_format = Format::table) {
    return ineffective_options(options, stdout_format);
}

TEST(IneffectiveOptions, TheDefaultsSayNothing) {
    EXPECT_TRUE(warnings_for(Options{}).empty());
    EXPECT_TRUE(warnings_for(Options{}, Format::csv).empty());
}

TEST(IneffectiveOptions, ThreadsOnlyInArenaMode) {
    Options options;
    options.threads = 4;
    options.threads_given = true;
    ASSERT_EQ(warnings_for(options).size(), 1U);
    EXPECT_EQ(warnings_for(options)[0].rfind("--threads: has no effect in leak mode", 0), 0U);
    options.mode = Mode::arena;
    EXPECT_TRUE(warnings_for(options).empty());
    options.command = Command::compare;
    options.compare_modes = {Mode::arena, Mode::free};
    EXPECT_TRUE(warnings_for(options).empty());
}

// live starts in one mode, but `s` reaches arena (and free, fragment): its options are not wasted.
TEST(IneffectiveOptions, LiveReachesEveryModeSoThreadsAndTrimSayNothing) {
    Options options;
    options.command = Command::live;
    options.threads = 4;
    options.threads_given = true;
    options.trim = true;
    EXPECT_TRUE(warnings_for(options).empty()) << warnings_for(options)[0];
}

TEST(IneffectiveOptions, TrimAlsoWorksInFragmentMode) {
    Options options;
    options.trim = true;
    options.mode = Mode::fragment;
    EXPECT_TRUE(warnings_for(options).empty());
}

TEST(IneffectiveOptions, TrimOnlyWhereSomethingIsFreed) {
    Options options;
    options.trim = true;
    for (const Mode mode : {Mode::leak, Mode::hold}) {
        options.mode = mode;
        const auto warnings = warnings_for(options);
        ASSERT_EQ(warnings.size(), 1U);
        EXPECT_EQ(warnings[0].rfind(fmt::format("--trim: has no effect in {} mode", to_string(mode)), 0), 0U)
            << warnings[0];
    }
    options.mode = Mode::free;
    EXPECT_TRUE(warnings_for(options).empty());
    options.command = Command::compare;  // leak,free by default: free mode trims
    EXPECT_TRUE(warnings_for(options).empty());
    options.compare_modes = {Mode::leak, Mode::hold};
    ASSERT_EQ(warnings_for(options).size(), 1U);
    EXPECT_NE(warnings_for(options)[0].find("leak and hold mode"), std::string::npos);
}

TEST(IneffectiveOptions, BarsAlwaysOnlyInTheTable) {
    Options options;
    options.bars = BarsMode::always;
    EXPECT_TRUE(warnings_for(options, Format::table).empty());
    ASSERT_EQ(warnings_for(options, Format::csv).size(), 1U);
    EXPECT_EQ(warnings_for(options, Format::csv)[0],
              "--bars: has no effect with csv on stdout (bars are drawn only in the table)");
    EXPECT_EQ(warnings_for(options, Format::jsonl).size(), 1U);
    options.summary_only = true;
    ASSERT_EQ(warnings_for(options, Format::table).size(), 1U);
    EXPECT_NE(warnings_for(options, Format::table)[0].find("--summary-only"), std::string::npos);
    options.bars = BarsMode::automatic;  // auto promises bars only where they fit
    EXPECT_TRUE(warnings_for(options, Format::csv).empty());
}

TEST(IneffectiveOptions, HugePagesSayHowTheBlockIsRounded) {
    Options options;
    options.huge_pages = true;
    options.block_bytes = 1;
    const auto warnings = warnings_for(options);
    ASSERT_EQ(warnings.size(), 1U);
    EXPECT_EQ(
        warnings[0].rfind("--huge-pages: each 1-byte block is rounded up to 2.0 MiB (2097152 bytes)", 0), 0U)
        << warnings[0];
    options.block_bytes = 4 * 1024 * 1024;  // whole huge pages already
    EXPECT_TRUE(warnings_for(options).empty());
}

TEST(IneffectiveOptions, FillNeedsATouch) {
    Options options;
    options.fill_given = true;
    EXPECT_TRUE(warnings_for(options).empty());
    options.touch = Touch::none;
    ASSERT_EQ(warnings_for(options).size(), 1U);
    EXPECT_EQ(warnings_for(options)[0].rfind("--fill: has no effect with --touch none", 0), 0U);
}

TEST(IneffectiveOptions, FailOnLeakNeedsThreeIterations) {
    Options options;
    options.fail_on_leak = true;
    EXPECT_TRUE(warnings_for(options).empty());  // until Ctrl-C: it may well reach 3
    options.iterations = 2;
    ASSERT_EQ(warnings_for(options).size(), 1U);
    EXPECT_NE(warnings_for(options)[0].find("at least 3 iterations"), std::string::npos);
    options.iterations = 3;
    EXPECT_TRUE(warnings_for(options).empty());
}

TEST(WarningLines, OneLineEachAndNoneWhenQuiet) {
    Options options;
    options.trim = true;
    options.bars = BarsMode::always;
    const std::string lines = warning_lines(options, Format::csv);
    EXPECT_EQ(lines.rfind("leakdemo: warning: --trim: ", 0), 0U) << lines;
    EXPECT_NE(lines.find("\nleakdemo: warning: --bars: "), std::string::npos) << lines;
    EXPECT_EQ(std::count(lines.begin(), lines.end(), '\n'), 2);
    options.quiet = true;
    EXPECT_EQ(warning_lines(options, Format::csv), "");
}

}  // namespace
}  // namespace leakdemo
