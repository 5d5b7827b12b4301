// The checkers' report parsers on reports captured on this kind of machine (tests/unit/check/fixtures/:
// valgrind 3.19 --xml=yes and gcc 12's preloaded liblsan, of leakdemo itself and of zoo.c, a small C program
// with one block of each kind), and the ldconfig listing.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>

#include "check/checkers.hpp"
#include "check/lsan_report.hpp"
#include "check/report_text.hpp"
#include "check/valgrind_report.hpp"

namespace leakdemo {
namespace {

std::string fixture(const std::string& name) {
    std::ifstream file(std::string(LEAKDEMO_CHECK_FIXTURES) + "/" + name);
    EXPECT_TRUE(file) << name;
    std::ostringstream text;
    text << file.rdbuf();
    return text.str();
}

std::string without(std::string text, const std::string& part) {
    const auto at = text.find(part);
    EXPECT_NE(at, std::string::npos) << part;
    return text.erase(at, part.size());
}

TEST(ValgrindXml, LeakdemosThreeLostMebibytesAreDefinitelyLost) {
    const auto report = parse_valgrind_xml(fixture("valgrind-leak-3x1MiB.xml"));
    ASSERT_TRUE(report) << report.error();
    EXPECT_EQ(report->definitely_lost_bytes, 3145728u);
    EXPECT_EQ(report->definitely_lost_blocks, 3u);
    EXPECT_EQ(report->possibly_lost_blocks + report->indirectly_lost_blocks + report->still_reachable_blocks,
              0u);
}

TEST(ValgrindXml, TheLastOfThreeLargeBlocksIsPossiblyLost) {
    // The known gap of tests/e2e/test_leak_checkers.py, as valgrind wrote it.
    const auto report = parse_valgrind_xml(fixture("valgrind-leak-3x4096000.xml"));
    ASSERT_TRUE(report) << report.error();
    EXPECT_EQ(report->definitely_lost_bytes, 8192000u);
    EXPECT_EQ(report->definitely_lost_blocks, 2u);
    EXPECT_EQ(report->possibly_lost_bytes, 4096000u);
    EXPECT_EQ(report->possibly_lost_blocks, 1u);
}

TEST(ValgrindXml, EveryKindAndOnlyTheDirectBytesOfALostHead) {
    // zoo.c: a 112-byte head holding 3 nodes (336 bytes) lost, 500 bytes lost, 2,000 with an interior
    // pointer, 1,000 in a global. valgrind's record of the head says "448 (112 direct, 336 indirect) bytes".
    const auto report = parse_valgrind_xml(fixture("valgrind-zoo.xml"));
    ASSERT_TRUE(report) << report.error();
    EXPECT_EQ(report->definitely_lost_bytes, 612u);
    EXPECT_EQ(report->definitely_lost_blocks, 2u);
    EXPECT_EQ(report->indirectly_lost_bytes, 336u);
    EXPECT_EQ(report->indirectly_lost_blocks, 3u);
    EXPECT_EQ(report->possibly_lost_bytes, 2000u);
    EXPECT_EQ(report->possibly_lost_blocks, 1u);
    EXPECT_EQ(report->still_reachable_bytes, 1000u);
    EXPECT_EQ(report->still_reachable_blocks, 1u);
}

TEST(ValgrindXml, NothingLostIsAllZeros) {
    const auto report = parse_valgrind_xml(fixture("valgrind-free.xml"));
    ASSERT_TRUE(report) << report.error();
    EXPECT_EQ(report->definitely_lost_blocks + report->still_reachable_blocks, 0u);
}

TEST(ValgrindXml, AnUnfinishedOrForeignReportIsRefused) {
    const std::string xml = fixture("valgrind-leak-3x1MiB.xml");
    EXPECT_FALSE(parse_valgrind_xml(without(xml, "<state>FINISHED</state>")));
    EXPECT_FALSE(parse_valgrind_xml(xml.substr(0, xml.find("<leakedblocks>"))));
    EXPECT_FALSE(parse_valgrind_xml(without(xml, "<leakedbytes>3145728</leakedbytes>")));
    EXPECT_FALSE(parse_valgrind_xml(""));
    EXPECT_FALSE(
        parse_valgrind_xml("<valgrindoutput><protocoltool>helgrind</protocoltool></valgrindoutput>"));
}

TEST(LsanReport, LeakdemosThreeLostMebibytesAreDirectLeaks) {
    const auto report = parse_lsan_report(fixture("lsan-leak-3x1MiB.txt"));
    ASSERT_TRUE(report) << report.error();
    EXPECT_EQ(*report, (LsanFigures{3145728, 3, 0, 0}));
}

TEST(LsanReport, DirectAndIndirectLinesAreSummed) {
    // zoo.c again: 500 + 112 direct in 2 objects, the 3 nodes indirect; silent on the interior pointer and
    // the global.
    const auto report = parse_lsan_report(fixture("lsan-zoo.txt"));
    ASSERT_TRUE(report) << report.error();
    EXPECT_EQ(*report, (LsanFigures{612, 2, 336, 3}));
}

TEST(LsanReport, NoReportIsNoLeakAndACutReportIsRefused) {
    EXPECT_EQ(parse_lsan_report("").value(), LsanFigures{});
    const std::string text = fixture("lsan-zoo.txt");
    EXPECT_FALSE(parse_lsan_report(text.substr(0, text.find("SUMMARY"))));
    EXPECT_FALSE(parse_lsan_report(without(text, "Indirect leak of 336 byte(s) in 3 object(s)")));
    EXPECT_FALSE(parse_lsan_report("Direct leak of many byte(s) in 1 object(s)\n"));
}

TEST(ReportText, NumbersWithThousandsCommasAndOverflow) {
    std::string_view text = "3,145,728 bytes";
    EXPECT_EQ(take_number(text), 3145728u);
    EXPECT_EQ(text, " bytes");
    std::string_view huge = "18446744073709551616";
    EXPECT_FALSE(take_number(huge));
    std::string_view trailing = "12,";
    EXPECT_EQ(take_number(trailing), 12u);
    EXPECT_EQ(trailing, ",");
}

TEST(Ldconfig, TheLibraryOfThisArchitectureIsFound) {
    EXPECT_EQ(lsan_in_ldconfig_listing(fixture("ldconfig-p.txt")), "/lib/x86_64-linux-gnu/liblsan.so.0");
    EXPECT_EQ(lsan_in_ldconfig_listing("\tliblsan.so.0 (libc6) => /lib32/liblsan.so.0\n"
                                       "\tliblsan.so.0 (libc6,x86-64) => /opt/lib/liblsan.so.0\n"),
              "/opt/lib/liblsan.so.0");
    EXPECT_FALSE(lsan_in_ldconfig_listing("\tlibc.so.6 (libc6,x86-64) => /lib/x86_64-linux-gnu/libc.so.6\n"));
}

}  // namespace
}  // namespace leakdemo
