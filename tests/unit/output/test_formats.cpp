#include <gtest/gtest.h>

#include <string>

#include "output/formats.hpp"

namespace leakdemo {
namespace {

Record sample_record() {
    Record r;
    r.iteration = 7;
    r.elapsed_ns = 1'234'567'890;
    r.mode = Mode::hold;
    r.block_bytes = 4096000;
    r.counters = {7, 7 * 4096000ULL, 7 * 4096000ULL, 0};
    r.sample.rss_bytes = 11;
    r.sample.maxrss_bytes = 12;
    r.sample.vsz_bytes = 13;
    r.sample.minor_faults = 14;
    r.sample.major_faults = 15;
    r.sample.heap_arena_bytes = 16;
    r.sample.heap_mmap_bytes = 17;
    return r;
}

std::string text(const fmt::memory_buffer& buffer) {
    return std::string(buffer.data(), buffer.size());
}

TEST(Csv, RowFollowsTheHeaderOrder) {
    fmt::memory_buffer out;
    append_csv_row(out, sample_record());
    EXPECT_EQ(text(out), "7,1.234568,hold,4096000,28672000,28672000,0,11,12,13,14,15,16,17\n");
    // The same number of fields as the header.
    const auto commas = [](std::string_view s) { return std::count(s.begin(), s.end(), ','); };
    EXPECT_EQ(commas(text(out)), commas(csv_header));
}

TEST(Jsonl, SampleHasEveryCsvColumnAsAKey) {
    fmt::memory_buffer out;
    append_jsonl_sample(out, sample_record());
    const std::string line = text(out);
    EXPECT_EQ(line.back(), '\n');
    EXPECT_EQ(std::count(line.begin(), line.end(), '\n'), 1);
    std::string_view header = csv_header.substr(0, csv_header.size() - 1);
    std::size_t start = 0;
    while (start <= header.size()) {
        const std::size_t end = std::min(header.find(',', start), header.size());
        // fmt, not operator+: GCC 12 reports a false -Wrestrict on "x" + std::string(...) + "y".
        const std::string key = fmt::format("\"{}\":", header.substr(start, end - start));
        EXPECT_NE(line.find(key), std::string::npos) << key;
        start = end + 1;
    }
    EXPECT_NE(line.find("\"type\":\"sample\""), std::string::npos);
}

TEST(Jsonl, StringsAreEscaped) {
    fmt::memory_buffer out;
    append_json_string(out, "a\"b\\c\nd\x01");
    EXPECT_EQ(text(out), R"("a\"b\\c\nd\u0001")");
}

TEST(Jsonl, SummaryWithUnknownPeakUsesNull) {
    Summary s;
    s.rss_growth_per_iteration_bytes = std::numeric_limits<double>::quiet_NaN();
    fmt::memory_buffer out;
    append_jsonl_summary(out, s);
    const std::string line = text(out);
    EXPECT_NE(line.find("\"hwm_bytes\":null"), std::string::npos) << line;
    EXPECT_EQ(line.find("nan"), std::string::npos) << "JSON has no NaN: " << line;
    EXPECT_NE(line.find("\"rss_growth_per_iteration_bytes\":0"), std::string::npos) << line;
}

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

}  // namespace
}  // namespace leakdemo
