// --help's layout without CLI11: word wrapping, the two-column option entry, wrapped footers.
#include <gtest/gtest.h>

#include <sstream>
#include <string>

#include "cli/help_layout.hpp"

namespace leakdemo {
namespace {

std::size_t widest_line(const std::string& text) {
    std::istringstream lines(text);
    std::size_t widest = 0;
    for (std::string line; std::getline(lines, line);) {
        widest = std::max(widest, text_columns(line));
    }
    return widest;
}

TEST(HelpLayout, ColumnsCountCharactersNotBytes) {
    EXPECT_EQ(text_columns("abc"), 3U);
    EXPECT_EQ(text_columns("Δ rss"), 5U);
    EXPECT_EQ(text_columns("█"), 1U);
}

TEST(HelpLayout, WrapsAtSpacesWithinTheWidth) {
    const auto lines = wrap_words("one two three four five", 9);
    ASSERT_EQ(lines.size(), 3U);
    EXPECT_EQ(lines[0], "one two");
    EXPECT_EQ(lines[1], "three");
    EXPECT_EQ(lines[2], "four five");
}

TEST(HelpLayout, KeepsExplicitLineBreaksAndLongWordsWhole) {
    const auto lines = wrap_words("a\nsupercalifragilistic b", 10);
    ASSERT_EQ(lines.size(), 3U);
    EXPECT_EQ(lines[0], "a");
    EXPECT_EQ(lines[1], "supercalifragilistic");
    EXPECT_EQ(lines[2], "b");
}

TEST(HelpLayout, BreaksAChoiceListAfterAComma) {
    // What --mode's value looks like once many modes exist: no space to break at, so after a comma.
    const std::string left =
        "-m,--mode MODE:{arena,cache,cycle,exception,fragment,free,hold,indirect,interior,"
        "leak,mmap}=leak";
    const std::string entry = help_entry(left, "what to do with each block");
    EXPECT_LE(widest_line(entry), help_width) << entry;
    EXPECT_NE(entry.find("indirect,\n      interior,"), std::string::npos) << entry;
    EXPECT_NE(entry.find("mmap}=leak"), std::string::npos) << entry;
}

TEST(HelpLayout, DescriptionStartsBesideAShortNameAndBelowALongOne) {
    EXPECT_EQ(help_entry("-q,--quiet", "no summary", 16, 40), "  -q,--quiet    no summary\n");
    EXPECT_EQ(help_entry("--a-rather-long-name VALUE", "text", 16, 40),
              "  --a-rather-long-name VALUE\n                text\n");
}

TEST(HelpLayout, LongDescriptionsWrapUnderTheirColumn) {
    const std::string description(300, 'x');
    std::string words;
    for (int i = 0; i < 60; ++i) {
        words += "word ";
    }
    const std::string entry = help_entry("-b,--block-size SIZE=4096000", words);
    EXPECT_LE(widest_line(entry), help_width) << entry;
    std::istringstream lines(entry);
    std::string line;
    std::getline(lines, line);
    while (std::getline(lines, line)) {
        EXPECT_EQ(line.substr(0, help_column), std::string(help_column, ' ')) << line;
    }
}

TEST(HelpLayout, FooterLinesWrapWithAHangingIndent) {
    const std::string footer =
        "Exit status:\n  4 with --fail-on-leak when COMMAND succeeded and the verdict is `leaking`, and more "
        "words";
    const std::string wrapped = wrap_block(footer, 40);
    EXPECT_LE(widest_line(wrapped), 40U) << wrapped;
    EXPECT_EQ(wrapped.substr(0, 15), "Exit status:\n  ");
    EXPECT_NE(wrapped.find("\n    "), std::string::npos) << wrapped;  // continuation: 2 + 2 columns
    EXPECT_EQ(wrap_block("short\n  lines stay\n"), "short\n  lines stay\n");
}

TEST(HelpLayout, AParagraphTooWideIsFilledAgain) {
    const std::string footer =
        "-i, -n and --format work as for a run\nExit status: COMMAND's own\n\n  0 done";
    EXPECT_EQ(wrap_block(footer, 30),
              "-i, -n and --format work as\nfor a run Exit status:\nCOMMAND's own\n\n  0 done");
    EXPECT_EQ(wrap_block("fits as\nwritten", 30), "fits as\nwritten");
}

}  // namespace
}  // namespace leakdemo
