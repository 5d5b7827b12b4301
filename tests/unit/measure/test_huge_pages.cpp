// --huge-pages: the THP policy check (read through a fake SystemReader), the 2 MiB rounding, and the
// per-block fault figure the summary reports.
#include <gtest/gtest.h>

#include <string>

#include "fakes.hpp"
#include "measure/summary.hpp"
#include "measure/workload.hpp"
#include "output/formats.hpp"

namespace leakdemo {
namespace {

// A system whose THP policy file says `text`.
testing::FakeSystemReader policy(const std::string& text) {
    testing::FakeSystemReader system;
    system.files[std::string(thp_enabled_path)] = text;
    return system;
}

TEST(ParseThpMode, TakesTheBracketedWord) {
    EXPECT_EQ(parse_thp_mode("always [madvise] never\n"), "madvise");
    EXPECT_EQ(parse_thp_mode("[always] madvise never\n"), "always");
    EXPECT_EQ(parse_thp_mode("always madvise [never]\n"), "never");
    EXPECT_FALSE(parse_thp_mode("always madvise never\n").has_value());
    EXPECT_FALSE(parse_thp_mode("[]").has_value());
    EXPECT_FALSE(parse_thp_mode("").has_value());
}

#if defined(__linux__)
TEST(CheckHugePages, NeverIsRefusedWithTheReason) {
    const Status checked = check_huge_pages(policy("always madvise [never]\n"));
    ASSERT_FALSE(checked);
    const std::string& why = checked.error();
    EXPECT_NE(why.find("[never]"), std::string::npos) << why;
    EXPECT_NE(why.find(thp_enabled_path), std::string::npos) << why;
    EXPECT_EQ(why.find('\n'), std::string::npos) << "one line: " << why;
}

TEST(CheckHugePages, MadviseAndAlwaysAreAccepted) {
    EXPECT_TRUE(check_huge_pages(policy("always [madvise] never\n")));
    EXPECT_TRUE(check_huge_pages(policy("[always] madvise never\n")));
}

TEST(CheckHugePages, AKernelWithoutThpIsRefused) {
    const testing::FakeSystemReader no_thp;  // no policy file at all, as on a kernel built without THP
    const Status missing = check_huge_pages(no_thp);
    ASSERT_FALSE(missing);
    EXPECT_NE(missing.error().find("no transparent huge pages"), std::string::npos) << missing.error();
    EXPECT_NE(missing.error().find("No such file or directory"), std::string::npos) << "the reader's reason";

    const Status unreadable = check_huge_pages(policy("no brackets here\n"));
    ASSERT_FALSE(unreadable);
    EXPECT_NE(unreadable.error().find("cannot read"), std::string::npos) << unreadable.error();
}
#endif

TEST(HugeBlockBytes, RoundsUpToWholeHugePages) {
    EXPECT_EQ(huge_block_bytes(1), huge_page_bytes);
    EXPECT_EQ(huge_block_bytes(huge_page_bytes), huge_page_bytes);
    EXPECT_EQ(huge_block_bytes(huge_page_bytes + 1), 2 * huge_page_bytes);
    EXPECT_EQ(huge_block_bytes(4096000), 4194304U);  // the article's block becomes 4 MiB
}

TEST(BlockWorkload, HugePagesCountTheRoundedBlock) {
    BlockWorkload plain({Mode::free, Touch::page, 4096000, 1});
    EXPECT_EQ(plain.block_bytes(), 4096000U);
#if defined(__linux__)
    if (const Status available = check_huge_pages(); !available) {
        GTEST_SKIP() << "no transparent huge pages here: " << available.error();
    }
    BlockWorkload huge(
        {.mode = Mode::free, .touch = Touch::page, .block_bytes = 4096000, .fill = 1, .huge_pages = true});
    EXPECT_EQ(huge.block_bytes(), 4194304U);
    ASSERT_TRUE(huge.step());
    EXPECT_EQ(huge.counters().requested_bytes, 4194304U);
    EXPECT_EQ(huge.counters().outstanding_bytes, 0U);
#endif
}

Record record_with_faults(std::uint64_t iteration, std::uint64_t minor_faults) {
    Record record;
    record.iteration = iteration;
    record.block_bytes = 4096000;
    record.sample.minor_faults = minor_faults;
    return record;
}

TEST(Summary, ReportsMinorFaultsPerBlock) {
    SummaryBuilder builder;
    builder.add(record_with_faults(0, 150));
    builder.add(record_with_faults(1, 1151));
    builder.add(record_with_faults(2, 2152));
    builder.add(record_with_faults(3, 3153));
    builder.add(record_with_faults(4, 4154));
    const Summary summary = builder.finish(StopReason::completed, std::nullopt);
    EXPECT_EQ(summary.minor_faults, 4004U);
    EXPECT_DOUBLE_EQ(summary.minor_faults_per_block, 1001.0);

    fmt::memory_buffer json;
    append_jsonl_summary(json, summary);
    const std::string line(json.data(), json.size());
    EXPECT_NE(line.find("\"minor_faults\":4004,\"minor_faults_per_block\":1001.0,"), std::string::npos)
        << line;
    EXPECT_NE(format_human_summary(summary, false).find("1001.0 minor page faults per block"),
              std::string::npos);
}

TEST(Summary, NoIterationsMeansNoFaultsPerBlock) {
    SummaryBuilder builder;
    builder.add(record_with_faults(0, 150));
    const Summary summary = builder.finish(StopReason::interrupted, std::nullopt);
    EXPECT_EQ(summary.minor_faults, 0U);
    EXPECT_DOUBLE_EQ(summary.minor_faults_per_block, 0.0);
}

TEST(CsvSummary, FaultColumnsAreAppendedAtTheEnd) {
    // The schema rule: columns may be appended, never inserted.
    EXPECT_NE(csv_summary_header.find(
                  ",verdict,stop_reason,minor_faults,minor_faults_per_block,budget_bytes,budget_eta_s,"),
              std::string_view::npos);
    Summary summary;
    summary.minor_faults = 8;
    summary.minor_faults_per_block = 4;
    fmt::memory_buffer row;
    append_csv_summary_row(row, summary);
    const std::string text(row.data(), row.size());
    EXPECT_NE(text.find(",stable,completed,8,4.0,,,"), std::string::npos) << text;
}

}  // namespace
}  // namespace leakdemo
