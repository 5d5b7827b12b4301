#include <gtest/gtest.h>

#include <array>
#include <string>

#include "output/formats.hpp"
#include "output/human_summary.hpp"

namespace leakdemo {
namespace {

TEST(HumanSummary, NamesTheVerdictAndStopReason) {
    Summary s;
    s.verdict = Verdict::leaking;
    s.stop_reason = StopReason::alloc_failed;
    const std::string plain = format_human_summary(s, false);
    EXPECT_NE(plain.find("leaking"), std::string::npos);
    EXPECT_NE(plain.find("alloc_failed"), std::string::npos);
    EXPECT_EQ(plain.find('\033'), std::string::npos) << "no colour when not asked";
    EXPECT_NE(format_human_summary(s, true).find('\033'), std::string::npos);
}

// 4,150,000 B is 3.96 MiB (prints 4.0), 8,325,000 B is 7.94 MiB (7.9): the exact growth, 3.98 MiB, would
// print as +4.0 MiB, and 4.0 + 4.0 is not 7.9.
constexpr std::uint64_t start_rounding_up = 4150000;
constexpr std::uint64_t end_rounding_down = 8325000;

TEST(RssChange, RoundedFiguresAddUp) {
    const RssChangeText rss = format_rss_change(start_rounding_up, end_rounding_down);
    EXPECT_EQ(rss.start, "4.0 MiB");
    EXPECT_EQ(rss.end, "7.9 MiB");
    EXPECT_EQ(rss.growth, "+3.9 MiB");
    // Both in the larger figure's unit, so they still add up across a unit boundary; and shrinking.
    const RssChangeText across = format_rss_change(900 << 10, end_rounding_down);
    EXPECT_EQ(across.start, "0.9 MiB");
    EXPECT_EQ(across.growth, "+7.0 MiB");
    EXPECT_EQ(format_rss_change(end_rounding_down, start_rounding_up).growth, "-3.9 MiB");
    EXPECT_EQ(format_rss_change(4096, 4096).growth, "0 B");
    EXPECT_EQ(format_rss_change(100, 612).growth, "+512 B");
}

Summary free_mode_step() {
    // Free mode: flat at iteration 1 (mmap + munmap), up one block at 2 (the heap), flat after.
    Summary s;
    s.mode = Mode::free;
    s.iterations = 20;
    s.rss_start_bytes = 4 << 20;
    s.rss_end_bytes = (4 << 20) + 4100096;
    s.rss_peak_bytes = s.rss_end_bytes;
    s.rss_peak_iteration = 2;
    s.rss_low_after_peak_bytes = s.rss_end_bytes;
    s.rss_growth_per_iteration_bytes = 78336;  // the least-squares slope of that step: looks like growth
    return s;
}

TEST(HumanSummary, AOneTimeStepIsAStepThenFlatNotAnAverage) {
    const std::string text = format_human_summary(free_mode_step(), false);
    EXPECT_NE(text.find("rose to 7.9 MiB by iteration 2, then flat"), std::string::npos) << text;
    EXPECT_EQ(text.find("per iteration"), std::string::npos) << text;
    Summary wobbly = free_mode_step();
    wobbly.rss_low_after_peak_bytes -= 8192;
    EXPECT_NE(format_human_summary(wobbly, false).find("then within 8.0 KiB of it"), std::string::npos);
}

TEST(HumanSummary, ALeakKeepsItsSlopePerIteration) {
    Summary s = free_mode_step();
    s.mode = Mode::leak;
    s.verdict = Verdict::leaking;
    s.rss_growth_per_iteration_bytes = 4100096;
    EXPECT_NE(format_human_summary(s, false).find("+3.9 MiB per iteration"), std::string::npos);
}

TEST(HumanSummary, RssFiguresAddUp) {
    Summary s = free_mode_step();
    s.rss_start_bytes = start_rounding_up;
    s.rss_end_bytes = end_rounding_down;
    EXPECT_NE(format_human_summary(s, false).find("4.0 MiB -> 7.9 MiB (+3.9 MiB;"), std::string::npos)
        << format_human_summary(s, false);
}

TEST(HumanSummary, ALiveSessionNamesEveryModeAndWhatEachKindHolds) {
    constexpr std::uint64_t mib = 1 << 20;
    Summary s;
    s.mode = Mode::hold;  // the last sample's
    s.iterations = 239;
    s.block_bytes = 4 * mib;
    s.leaked_bytes = 92 * mib;
    s.outstanding_bytes = 92 * mib + 8 * mib + 256 * 1024;
    const std::array<ModeUse, 4> session{{{Mode::leak, 23, 0},
                                          {Mode::free, 200, 0},
                                          {Mode::hold, 12, 8 * mib},
                                          {Mode::fragment, 4, 256 * 1024}}};
    const std::string text = format_human_summary(s, false, session);
    EXPECT_EQ(
        text.rfind("leakdemo: live session: leak 23, free 200, hold 12, fragment 4 iterations of 4.0 MiB", 0),
        0u)
        << text;
    EXPECT_NE(text.find("  held         8.0 MiB (hold's blocks) + 256.0 KiB (fragment's kept chunks)\n"),
              std::string::npos)
        << text;
    EXPECT_EQ(text.find("hold mode"), std::string::npos) << text;

    // One kind: its own words, not the last mode's (free holds nothing).
    const std::array<ModeUse, 2> hold_then_free{{{Mode::hold, 3, 12 * mib}, {Mode::free, 5, 0}}};
    s.mode = Mode::free;
    s.iterations = 8;
    s.leaked_bytes = 0;
    s.outstanding_bytes = 12 * mib;
    const std::string one = format_human_summary(s, false, hold_then_free);
    EXPECT_NE(one.find("live session: hold 3, free 5 iterations"), std::string::npos) << one;
    EXPECT_NE(one.find("  held         12.0 MiB (hold's blocks; still reachable: kept until exit)\n"),
              std::string::npos)
        << one;
}

}  // namespace
}  // namespace leakdemo
