#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "cli/cli.hpp"
#include "cli_args.hpp"
#include "compare/child_arguments.hpp"
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
        "leakdemo",    "--mode",   "hold",  "--block-size", "1048576",   "--interval",
        "250000000ns", "--touch",  "page",  "--fill",       "7",         "--iterations",
        "12",          "--format", "jsonl", "--quiet",      "--step-fd", "3"};
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
    EXPECT_EQ(child.step_fd, std::optional<std::uint64_t>(3)) << "each child waits for its step on fd 3";
}

TEST(CompareChildArguments, ForwardThreadsToBothChildren) {
    Options options;
    options.threads = 6;
    options.threads_given = true;
    options.compare_modes = {Mode::arena, Mode::cache};
    std::vector<std::string> args = compare_child_arguments(options, Mode::arena);
    args.erase(args.begin());
    const auto result = parse_args(args);
    ASSERT_TRUE(std::holds_alternative<Options>(result)) << std::get<UsageError>(result).message;
    EXPECT_EQ(std::get<Options>(result).mode, Mode::arena);
    EXPECT_EQ(std::get<Options>(result).threads, 6U);
    EXPECT_TRUE(std::get<Options>(result).threads_given);
}

}  // namespace
}  // namespace leakdemo
