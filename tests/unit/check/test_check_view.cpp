#include <gtest/gtest.h>

#include <string>

#include "check/check_view.hpp"

namespace leakdemo {
namespace {

Summary leak_summary(Mode mode = Mode::leak) {
    Summary summary;
    summary.mode = mode;
    summary.iterations = 3;
    summary.block_bytes = 1024;
    summary.expected.definitely_lost_bytes = 3072;
    summary.expected.definitely_lost_blocks = 3;
    summary.expected.still_reachable_bytes = 40;
    summary.expected.still_reachable_blocks = 1;
    return summary;
}

TEST(CheckJudge, ValgrindMustMatchEveryCategory) {
    const Summary summary = leak_summary();
    EXPECT_EQ(judge(Checker::valgrind, summary, figures_of(summary.expected)).verdict, CheckVerdict::agrees);
    CategoryFigures said = figures_of(summary.expected);
    said[3] = LeakFigure{40, 2};  // one block too many still reachable
    const CheckRecord record = judge(Checker::valgrind, summary, said);
    EXPECT_EQ(record.verdict, CheckVerdict::disagrees);
    EXPECT_EQ(record.reported[7], 2u);
    EXPECT_EQ(record.expected[7], 1u);
}

TEST(CheckJudge, LsanIsJudgedOnDirectAndIndirectOnly) {
    const Summary summary = leak_summary();
    const CategoryFigures said{LeakFigure{3072, 3}, LeakFigure{}, std::nullopt, std::nullopt};
    const CheckRecord record = judge(Checker::lsan, summary, said);
    EXPECT_EQ(record.verdict, CheckVerdict::agrees);  // its silence on the reachable block is expected
    EXPECT_FALSE(record.expected[6].has_value());
    const CategoryFigures fewer{LeakFigure{2048, 2}, LeakFigure{}, std::nullopt, std::nullopt};
    EXPECT_EQ(judge(Checker::lsan, summary, fewer).verdict, CheckVerdict::disagrees);
}

TEST(CheckJudge, ACycleIsExpectedSilentUnderLsan) {
    const CategoryFigures expected = expected_for(Checker::lsan, Mode::cycle, leak_summary().expected);
    EXPECT_EQ(expected[0], LeakFigure{});
    EXPECT_EQ(expected_for(Checker::valgrind, Mode::cycle, leak_summary().expected)[0],
              (LeakFigure{3072, 3}));
}

TEST(CheckTable, MarksTheCellThatDisagrees) {
    const Summary summary = leak_summary();
    CategoryFigures said = figures_of(summary.expected);
    said[0] = LeakFigure{2048, 3};
    const std::vector<CheckRecord> records{judge(Checker::valgrind, summary, said)};
    TerminalCaps caps;
    caps.unicode = false;
    const std::string table = render_check_table(records, summary, caps);
    // Columns: the 22-column label, leakdemo's 16 ("leakdemo expects"), valgrind's 13, right-aligned.
    EXPECT_NE(table.find("\ndefinitely lost bytes             3,072       2,048 X\n"), std::string::npos)
        << table;
    EXPECT_NE(table.find("\ndefinitely lost blocks                3          3 ok\n"), std::string::npos)
        << table;
    EXPECT_NE(table.find("\nstill reachable blocks                1          1 ok\n"), std::string::npos)
        << table;
    EXPECT_NE(table.find("valgrind DISAGREES"), std::string::npos) << table;
    for (std::size_t at = 0, next = 0; (next = table.find('\n', at)) != std::string::npos; at = next + 1) {
        EXPECT_LE(next - at, 80u) << table.substr(at, next - at);
    }
}

// A cycle: valgrind is held to leakdemo's figures (one definitely, one indirectly lost block), LSan to its
// own (both indirect, none direct): each tick must stand beside the number it was judged against.
TEST(CheckTable, ShowsWhatLsanIsExpectedToSayBesideWhatItSaid) {
    Summary summary = leak_summary(Mode::cycle);
    summary.expected = LeakClassification{};
    summary.expected.definitely_lost_bytes = 1056;
    summary.expected.definitely_lost_blocks = 1;
    summary.expected.indirectly_lost_bytes = 1056;
    summary.expected.indirectly_lost_blocks = 1;
    const CategoryFigures lsan_said{LeakFigure{}, LeakFigure{2112, 2}, std::nullopt, std::nullopt};
    const std::vector<CheckRecord> records{judge(Checker::valgrind, summary, figures_of(summary.expected)),
                                           judge(Checker::lsan, summary, lsan_said)};
    ASSERT_EQ(records[1].verdict, CheckVerdict::agrees);
    TerminalCaps caps;
    caps.unicode = false;
    const std::string table = render_check_table(records, summary, caps);
    EXPECT_EQ(table.substr(0, table.find('\n')),
              "                       leakdemo expects valgrind says LSan expects LSan says")
        << table;
    // leakdemo expects 1,056 definitely lost; LSan is expected to say 0 and says 0.
    EXPECT_NE(table.find("\ndefinitely lost bytes             1,056      1,056 ok            0      0 ok\n"),
              std::string::npos)
        << table;
    EXPECT_NE(table.find("\nindirectly lost bytes             1,056      1,056 ok        2,112  2,112 ok\n"),
              std::string::npos)
        << table;
    EXPECT_NE(table.find("\npossibly lost bytes                   0          0 ok       silent silent ok\n"),
              std::string::npos)
        << table;
}

TEST(WrapText, WrapsAtBlanksAndIndents) {
    EXPECT_EQ(wrap_text("one two three four", 9, 2), "one two\n  three\n  four\n");
    EXPECT_EQ(wrap_text("unbreakable-word x", 4), "unbreakable-word\nx\n");
    EXPECT_EQ(wrap_text("", 10), "\n");
}

}  // namespace
}  // namespace leakdemo
