#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "cli/cli.hpp"
#include "cli_args.hpp"
#include "compare/compare.hpp"
#include "output/formats.hpp"

namespace leakdemo {
namespace {

using testing::parse_args;

TEST(CompareModes, ParsesTwoDistinctModes) {
    const auto modes = parse_compare_modes("leak,hold");
    ASSERT_TRUE(modes) << modes.error();
    EXPECT_EQ(modes.value()[0], Mode::leak);
    EXPECT_EQ(modes.value()[1], Mode::hold);
    const auto upper = parse_compare_modes("FREE,Leak");
    ASSERT_TRUE(upper) << upper.error();
    EXPECT_EQ(upper.value()[0], Mode::free);
    EXPECT_EQ(upper.value()[1], Mode::leak);
}

TEST(CompareModes, RejectsOneSameOrUnknown) {
    for (const char* text : {"leak", "leak,leak", "leak,bogus", "leak,free,hold", ",free", "leak,", ""}) {
        const auto modes = parse_compare_modes(text);
        EXPECT_FALSE(modes) << text;
    }
}

TEST(CompareCli, SubcommandTakesTheParentsOptionsOnEitherSide) {
    const auto result = parse_args({"-b", "1MiB", "compare", "--modes", "leak,hold", "-n", "7", "-i", "250ms",
                                    "--touch", "page", "--fill", "0", "--format", "csv", "-q"});
    ASSERT_TRUE(std::holds_alternative<Options>(result)) << std::get<UsageError>(result).message;
    const auto& o = std::get<Options>(result);
    EXPECT_EQ(o.command, Command::compare);
    EXPECT_EQ(o.compare_modes[0], Mode::leak);
    EXPECT_EQ(o.compare_modes[1], Mode::hold);
    EXPECT_EQ(o.block_bytes, 1048576U);
    EXPECT_EQ(o.iterations, 7U);
    EXPECT_EQ(o.interval, std::chrono::milliseconds(250));
    EXPECT_EQ(o.touch, Touch::page);
    EXPECT_EQ(o.fill, 0);
    EXPECT_EQ(o.format, Format::csv);
    EXPECT_TRUE(o.quiet);
}

TEST(CompareCli, DefaultsToLeakAgainstFree) {
    const auto result = parse_args({"compare"});
    ASSERT_TRUE(std::holds_alternative<Options>(result));
    const auto& o = std::get<Options>(result);
    EXPECT_EQ(o.command, Command::compare);
    EXPECT_EQ(o.compare_modes[0], Mode::leak);
    EXPECT_EQ(o.compare_modes[1], Mode::free);
    EXPECT_EQ(std::get<Options>(parse_args({})).command, Command::run);
}

TEST(CompareCli, RejectsModeAndBadModesNamingTheFlag) {
    const std::vector<std::pair<std::vector<std::string>, std::string>> cases{
        {{"compare", "--mode", "free"}, "--mode"},        {{"-m", "free", "compare"}, "--mode"},
        {{"compare", "--modes", "leak"}, "--modes"},      {{"compare", "--modes", "free,free"}, "--modes"},
        {{"compare", "--modes", "leak,nope"}, "--modes"}, {{"compare", "--summary-only"}, "--summary-only"},
    };
    for (const auto& [args, flag] : cases) {
        const auto result = parse_args(args);
        ASSERT_TRUE(std::holds_alternative<UsageError>(result)) << args.back();
        const std::string& message = std::get<UsageError>(result).message;
        EXPECT_NE(message.find(flag), std::string::npos) << message;
        EXPECT_EQ(message.find('\n'), std::string::npos) << message;
    }
}

TEST(CompareChildArguments, ForwardTheWorkloadAndAskForQuietJsonLines) {
    Options options;
    options.block_bytes = 1048576;
    options.iterations = 12;
    options.interval = std::chrono::milliseconds(250);
    options.touch = Touch::page;
    options.fill = 7;
    options.format = Format::table;  // compare's own format: never the children's
    const std::vector<std::string> args = compare_child_arguments(options, Mode::hold);
    const std::vector<std::string> expected{
        "leakdemo", "--mode", "hold", "--block-size", "1048576", "--interval", "250000000ns", "--touch",
        "page",     "--fill", "7",    "--iterations", "12",      "--format",   "jsonl",       "--quiet"};
    EXPECT_EQ(args, expected);
}

TEST(CompareChildArguments, AreAcceptedByTheCommandLine) {
    Options options;
    options.iterations = 3;
    options.interval = std::chrono::microseconds(1500);
    std::vector<std::string> args = compare_child_arguments(options, Mode::free);
    args.erase(args.begin());  // parse_args adds argv[0]
    const auto result = parse_args(args);
    ASSERT_TRUE(std::holds_alternative<Options>(result)) << std::get<UsageError>(result).message;
    const auto& child = std::get<Options>(result);
    EXPECT_EQ(child.mode, Mode::free);
    EXPECT_EQ(child.interval, std::chrono::microseconds(1500));
    EXPECT_EQ(child.iterations, 3U);
    EXPECT_EQ(child.format, Format::jsonl);
    EXPECT_TRUE(child.quiet);
}

// Encodes `value` with the JSONL writer, decodes it with compare's reader, encodes it again: same line.
template <typename T>
void expect_round_trip(const T& value, void (*encode)(fmt::memory_buffer&, const T&),
                       Expected<T> (*decode)(const JsonObject&)) {
    fmt::memory_buffer line;
    encode(line, value);
    const auto object = parse_json_object(std::string_view(line.data(), line.size()));
    ASSERT_TRUE(object) << object.error();
    const auto decoded = decode(object.value());
    ASSERT_TRUE(decoded) << decoded.error();
    fmt::memory_buffer again;
    encode(again, decoded.value());
    EXPECT_EQ(std::string(again.data(), again.size()), std::string(line.data(), line.size()));
}

TEST(CompareRecords, DecodeWhatTheJsonlSinkWrites) {
    Record r;
    r.iteration = 9;
    r.elapsed_ns = 1'500'000'000;
    r.mode = Mode::hold;
    r.block_bytes = 4096000;
    r.counters = {9, 9 * 4096000ULL, 9 * 4096000ULL, 0};
    r.sample.rss_bytes = 41;
    r.sample.maxrss_bytes = 42;
    r.sample.vsz_bytes = 43;
    r.sample.minor_faults = 44;
    r.sample.major_faults = 45;
    r.sample.heap_arena_bytes = 46;
    r.sample.heap_mmap_bytes = 47;
    // Written again, the decoded record gives the very same line: nothing lost on the way through a pipe.
    expect_round_trip(r, append_jsonl_sample, record_from_json);
    fmt::memory_buffer line;
    append_jsonl_sample(line, r);
    const auto decoded =
        record_from_json(parse_json_object(std::string_view(line.data(), line.size())).value());
    ASSERT_TRUE(decoded) << decoded.error();
    EXPECT_EQ(decoded.value().counters.blocks, 9U);
}

TEST(CompareRecords, DecodeASummaryIncludingANullPeak) {
    Summary s;
    s.mode = Mode::free;
    s.iterations = 20;
    s.elapsed_s = 3.25;
    s.block_bytes = 4096000;
    s.requested_bytes = 20 * 4096000ULL;
    s.rss_start_bytes = 100;
    s.rss_end_bytes = 50;
    s.rss_growth_bytes = -50;
    s.rss_growth_per_iteration_bytes = -2.0;
    s.maxrss_bytes = 300;
    s.verdict = Verdict::stable;
    s.stop_reason = StopReason::interrupted;
    for (const std::optional<std::uint64_t> hwm :
         {std::optional<std::uint64_t>{}, std::optional<std::uint64_t>{77}}) {
        s.hwm_bytes = hwm;
        expect_round_trip(s, append_jsonl_summary, summary_from_json);
    }
}

TEST(CompareRecords, NameTheFieldThatIsMissingOrMistyped) {
    const auto missing = record_from_json(parse_json_object(R"({"type":"sample","iteration":1})").value());
    ASSERT_FALSE(missing);
    EXPECT_NE(missing.error().find("elapsed_s"), std::string::npos) << missing.error();
    const auto bad_mode = summary_from_json(parse_json_object(R"({"mode":"sideways"})").value());
    ASSERT_FALSE(bad_mode);
    EXPECT_NE(bad_mode.error().find("'mode'"), std::string::npos) << bad_mode.error();
}

}  // namespace
}  // namespace leakdemo
