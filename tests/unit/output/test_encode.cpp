#include <gtest/gtest.h>

#include <algorithm>
#include <limits>
#include <string>

#include "distinct_records.hpp"
#include "output/encode.hpp"

namespace leakdemo {
namespace {

using testing::distinct_record;
using testing::distinct_summary;

std::string text(const fmt::memory_buffer& buffer) {
    return std::string(buffer.data(), buffer.size());
}

// The headers scripts depend on, spelled out here by hand: the schema builds them, this checks it built
// exactly these bytes.
TEST(CsvHeader, IsTheStableSampleHeader) {
    EXPECT_EQ(csv_header,
              "iteration,elapsed_s,mode,block_bytes,requested_bytes,outstanding_bytes,leaked_bytes,rss_bytes,"
              "maxrss_bytes,vsz_bytes,minor_faults,major_faults,heap_arena_bytes,heap_mmap_bytes\n");
}

TEST(CsvHeader, IsTheStableSummaryHeader) {
    EXPECT_EQ(csv_summary_header,
              "mode,iterations,elapsed_s,block_bytes,requested_bytes,leaked_bytes,outstanding_bytes,"
              "rss_start_bytes,rss_end_bytes,rss_growth_bytes,rss_growth_per_iteration_bytes,maxrss_bytes,"
              "hwm_bytes,verdict,stop_reason,minor_faults,minor_faults_per_block,budget_bytes,budget_eta_s,"
              "definitely_lost_bytes,definitely_lost_blocks,indirectly_lost_bytes,indirectly_lost_blocks,"
              "possibly_lost_bytes,possibly_lost_blocks,still_reachable_bytes,still_reachable_blocks,"
              "untracked_bytes\n");
}

TEST(Csv, SampleRowFollowsTheHeaderOrder) {
    fmt::memory_buffer out;
    append_csv_row(out, distinct_record());
    EXPECT_EQ(text(out), "3,5.000007,hold,4099,69683,29,31,37,41,43,47,53,59,61\n");
}

TEST(Csv, SummaryRowFollowsTheHeaderOrder) {
    fmt::memory_buffer out;
    append_csv_summary_row(out, distinct_summary());
    EXPECT_EQ(
        text(out),
        "free,3,5.250000,7,11,13,17,19,23,-29,-31,37,41,leaking,guard,43,47.5,53,59.5,61,67,71,73,79,83,"
        "89,97,101\n");
}

TEST(Csv, SummaryWithUnknownPeakLeavesTheCellEmpty) {
    Summary s = distinct_summary();
    s.hwm_bytes.reset();
    fmt::memory_buffer out;
    append_csv_summary_row(out, s);
    EXPECT_EQ(text(out),
              "free,3,5.250000,7,11,13,17,19,23,-29,-31,37,,leaking,guard,43,47.5,53,59.5,61,67,71,73,79,83,"
              "89,97,101\n");
}

TEST(Jsonl, SampleLine) {
    fmt::memory_buffer out;
    append_jsonl_sample(out, distinct_record());
    EXPECT_EQ(text(out),
              R"({"type":"sample","iteration":3,"elapsed_s":5.000007,"mode":"hold","block_bytes":4099,)"
              R"("requested_bytes":69683,"outstanding_bytes":29,"leaked_bytes":31,"rss_bytes":37,)"
              R"("maxrss_bytes":41,"vsz_bytes":43,"minor_faults":47,"major_faults":53,"heap_arena_bytes":59,)"
              R"("heap_mmap_bytes":61})"
              "\n");
}

TEST(Jsonl, SummaryLine) {
    fmt::memory_buffer out;
    append_jsonl_summary(out, distinct_summary());
    EXPECT_EQ(text(out),
              R"({"type":"summary","mode":"free","iterations":3,"elapsed_s":5.250000,"block_bytes":7,)"
              R"("requested_bytes":11,"leaked_bytes":13,"outstanding_bytes":17,"rss_start_bytes":19,)"
              R"("rss_end_bytes":23,"rss_growth_bytes":-29,"rss_growth_per_iteration_bytes":-31,)"
              R"("maxrss_bytes":37,"hwm_bytes":41,"verdict":"leaking","stop_reason":"guard",)"
              R"("minor_faults":43,"minor_faults_per_block":47.5,"budget_bytes":53,"budget_eta_s":59.5,)"
              R"("definitely_lost_bytes":61,"definitely_lost_blocks":67,"indirectly_lost_bytes":71,)"
              R"("indirectly_lost_blocks":73,"possibly_lost_bytes":79,"possibly_lost_blocks":83,)"
              R"("still_reachable_bytes":89,"still_reachable_blocks":97,"untracked_bytes":101})"
              "\n");
}

TEST(Jsonl, NoteLine) {
    fmt::memory_buffer out;
    append_jsonl_note(out, Mode::free, 12, "kept \"for reuse\"");
    EXPECT_EQ(text(out), R"({"type":"note","mode":"free","iteration":12,"text":"kept \"for reuse\""})"
                         "\n");
}

TEST(Jsonl, EventLine) {
    fmt::memory_buffer out;
    append_jsonl_event(out, 17, "space", "paused: \"no\" sample");
    EXPECT_EQ(text(out), R"({"type":"event","iteration":17,"key":"space","text":"paused: \"no\" sample"})"
                         "\n");
}

TEST(Jsonl, StringsAreEscaped) {
    fmt::memory_buffer out;
    append_json_string(out, "a\"b\\c\nd\x01\te\r");
    EXPECT_EQ(text(out), R"("a\"b\\c\nd\u0001\te\r")");
}

TEST(Jsonl, SummaryWithUnknownPeakUsesNullAndNoNaN) {
    Summary s;
    s.rss_growth_per_iteration_bytes = std::numeric_limits<double>::quiet_NaN();
    s.minor_faults_per_block = std::numeric_limits<double>::infinity();
    s.elapsed_s = std::numeric_limits<double>::quiet_NaN();
    fmt::memory_buffer out;
    append_jsonl_summary(out, s);
    const std::string line = text(out);
    EXPECT_NE(line.find("\"hwm_bytes\":null"), std::string::npos) << line;
    EXPECT_EQ(line.find("nan"), std::string::npos) << "JSON has no NaN: " << line;
    EXPECT_EQ(line.find("inf"), std::string::npos) << "JSON has no infinity: " << line;
    EXPECT_NE(line.find("\"rss_growth_per_iteration_bytes\":0,"), std::string::npos) << line;
    EXPECT_NE(line.find("\"minor_faults_per_block\":0.0,"), std::string::npos) << line;
    EXPECT_NE(line.find("\"elapsed_s\":0.000000,"), std::string::npos) << line;
}

TEST(Encoders, AppendToWhatTheBufferHolds) {
    fmt::memory_buffer out;
    out.append(std::string_view("before\n"));
    append_csv_row(out, distinct_record());
    append_jsonl_sample(out, distinct_record());
    const std::string all = text(out);
    EXPECT_TRUE(all.starts_with("before\n3,5.000007,hold,")) << all;
    EXPECT_EQ(std::count(all.begin(), all.end(), '\n'), 3) << all;
}

}  // namespace
}  // namespace leakdemo
