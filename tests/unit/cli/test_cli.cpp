#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "cli/cli.hpp"
#include "cli_args.hpp"

namespace leakdemo {
namespace {

using testing::parse_args;

TEST(Cli, DefaultsAreTheArticles) {
    const auto result = parse_args({});
    ASSERT_TRUE(std::holds_alternative<Options>(result));
    const auto& o = std::get<Options>(result);
    EXPECT_EQ(o.mode, Mode::leak);
    EXPECT_EQ(o.block_bytes, 4096000U);
    EXPECT_EQ(o.fill, 0xFF);
    EXPECT_EQ(o.touch, Touch::all);
    EXPECT_FALSE(o.iterations.has_value());
    EXPECT_EQ(o.interval, std::chrono::seconds(1));
    EXPECT_EQ(o.format, Format::automatic);
}

TEST(Cli, ParsesEveryFlag) {
    const auto result =
        parse_args({"--mode", "FREE", "-b", "4MiB", "-n", "20", "-i", "250ms", "--touch", "page", "--fill",
                    "0x00", "--format", "jsonl", "--color", "never", "-q", "--fail-on-leak"});
    ASSERT_TRUE(std::holds_alternative<Options>(result)) << std::get<UsageError>(result).message;
    const auto& o = std::get<Options>(result);
    EXPECT_EQ(o.mode, Mode::free);
    EXPECT_EQ(o.block_bytes, 4194304U);
    EXPECT_EQ(o.iterations, 20U);
    EXPECT_EQ(o.interval, std::chrono::milliseconds(250));
    EXPECT_EQ(o.touch, Touch::page);
    EXPECT_EQ(o.fill, 0);
    EXPECT_EQ(o.format, Format::jsonl);
    EXPECT_EQ(o.color, ColorMode::never);
    EXPECT_TRUE(o.quiet);
    EXPECT_TRUE(o.fail_on_leak);
}

TEST(Cli, LiveTakesTheRunsOptionsWithItsOwnDefaults) {
    auto result = parse_args({"live", "--mode", "hold", "-b", "1MiB", "-o", "run.jsonl", "--ascii"});
    ASSERT_TRUE(std::holds_alternative<Options>(result)) << std::get<UsageError>(result).message;
    const auto& o = std::get<Options>(result);
    EXPECT_EQ(o.command, Command::live);
    EXPECT_EQ(o.mode, Mode::hold);
    EXPECT_EQ(o.block_bytes, 1U << 20);
    EXPECT_EQ(o.interval, std::chrono::milliseconds(250));
    EXPECT_TRUE(o.explain);
    EXPECT_TRUE(o.ascii);
    EXPECT_EQ(o.output_format, Format::jsonl);

    result = parse_args({"live", "--no-explain", "-i", "10s"});
    ASSERT_TRUE(std::holds_alternative<Options>(result)) << std::get<UsageError>(result).message;
    EXPECT_FALSE(std::get<Options>(result).explain);
    EXPECT_EQ(std::get<Options>(result).interval, std::chrono::seconds(10));
    // A plain run still explains only when asked.
    EXPECT_FALSE(std::get<Options>(parse_args({"-n", "1"})).explain);
}

TEST(Cli, LiveRefusesWhatItCannotShowNamingTheFlag) {
    const std::pair<std::vector<std::string>, std::string> refused[] = {
        {{"live", "--format", "csv"}, "--format"},
        {{"live", "--summary-only"}, "--summary-only"},
        {{"live", "--bars", "never"}, "--bars"},
        {{"live", "-o", "-"}, "--output"},
        {{"live", "-i", "5ms"}, "--interval"},
        {{"live", "-i", "11s"}, "--interval"},
        {{"live", "live"}, "live"},
    };
    for (const auto& [args, flag] : refused) {
        const auto result = parse_args(args);
        ASSERT_TRUE(std::holds_alternative<UsageError>(result)) << args.back();
        EXPECT_EQ(std::get<UsageError>(result).message.rfind(flag, 0), 0u)
            << std::get<UsageError>(result).message;
    }
}

TEST(Cli, LiveHelpListsEveryOptionItTakesWithin80Columns) {
    const auto result = parse_args({"live", "--help"});
    ASSERT_TRUE(std::holds_alternative<InfoRequest>(result));
    const std::string& help = std::get<InfoRequest>(result).text;
    for (const char* option :
         {"--no-explain", "--mode",           "-b",      "-n",           "-i",           "--touch",
          "--fill",       "--mmap-threshold", "--trim",  "--huge-pages", "--max-memory", "--no-guard",
          "-o",           "--report",         "--chart", "--ascii",      "--color",      "--explain",
          "-q",           "--fail-on-leak"}) {
        EXPECT_NE(help.find(option), std::string::npos) << option;
    }
    std::size_t start = 0;
    while (start < help.size()) {
        const std::size_t end = help.find('\n', start);
        const std::string line = help.substr(start, end - start);
        EXPECT_LE(line.size(), 80u) << line;
        start = end == std::string::npos ? help.size() : end + 1;
    }
}

TEST(Cli, OutputFormatComesFromTheExtension) {
    EXPECT_EQ(std::get<Options>(parse_args({"-o", "run.csv"})).output_format, Format::csv);
    EXPECT_EQ(std::get<Options>(parse_args({"-o", "run.jsonl"})).output_format, Format::jsonl);
    EXPECT_EQ(std::get<Options>(parse_args({"-o", "run.json"})).output_format, Format::jsonl);
    EXPECT_EQ(std::get<Options>(parse_args({"-o", "run.txt", "--format", "csv"})).output_format, Format::csv);
}

TEST(Cli, HelpAndVersionAreInfo) {
    const auto help = parse_args({"--help"});
    ASSERT_TRUE(std::holds_alternative<InfoRequest>(help));
    EXPECT_NE(std::get<InfoRequest>(help).text.find("Exit codes"), std::string::npos);
    const auto version = parse_args({"--version"});
    ASSERT_TRUE(std::holds_alternative<InfoRequest>(version));
    EXPECT_EQ(std::get<InfoRequest>(version).text.rfind("leakdemo ", 0), 0U);
}

struct BadCase {
    std::vector<std::string> args;
    std::string flag;  // the message must name it
};

void PrintTo(const BadCase& bad, std::ostream* out) {
    for (const auto& arg : bad.args) {
        *out << arg << ' ';
    }
}

class CliRejects : public ::testing::TestWithParam<BadCase> {};

TEST_P(CliRejects, WithOneLineNamingTheFlag) {
    const auto result = parse_args(GetParam().args);
    ASSERT_TRUE(std::holds_alternative<UsageError>(result));
    const std::string& message = std::get<UsageError>(result).message;
    EXPECT_NE(message.find(GetParam().flag), std::string::npos) << message;
    EXPECT_EQ(message.find('\n'), std::string::npos) << message;
}

INSTANTIATE_TEST_SUITE_P(
    BadInput, CliRejects,
    ::testing::Values(BadCase{{"--block-size", "0"}, "--block-size"}, BadCase{{"-b", "-5"}, "--block-size"},
                      BadCase{{"-b", "lots"}, "--block-size"}, BadCase{{"-b", "4XB"}, "--block-size"},
                      BadCase{{"-b", "99999999999999999999999"}, "--block-size"},
                      BadCase{{"-b", "100TiB"}, "--block-size"}, BadCase{{"-n", "0"}, "--iterations"},
                      BadCase{{"-n", "-1"}, "--iterations"}, BadCase{{"-n", "1e99"}, "--iterations"},
                      BadCase{{"-n", "ten"}, "--iterations"}, BadCase{{"-i", "-1"}, "--interval"},
                      BadCase{{"-i", "25h"}, "--interval"}, BadCase{{"-i", "soon"}, "--interval"},
                      BadCase{{"-m", "bogus"}, "--mode"}, BadCase{{"--touch", "half"}, "--touch"},
                      BadCase{{"--fill", "256"}, "--fill"}, BadCase{{"--format", "xml"}, "--format"},
                      BadCase{{"--color", "sometimes"}, "--color"}, BadCase{{"--frobnicate"}, "--frobnicate"},
                      BadCase{{"-o", "run.txt"}, "--output"}, BadCase{{"-q", "--summary-only"}, "--quiet"},
                      BadCase{{"--mode"}, "--mode"}));

TEST(Cli, ARepeatedOptionTakesTheLastValue) {
    const auto result =
        parse_args({"-n", "1", "-n", "3", "--mode", "hold", "-m", "free", "-b", "1", "-b", "2"});
    ASSERT_TRUE(std::holds_alternative<Options>(result)) << std::get<UsageError>(result).message;
    const auto& o = std::get<Options>(result);
    EXPECT_EQ(o.iterations, 3U);
    EXPECT_EQ(o.mode, Mode::free);
    EXPECT_EQ(o.block_bytes, 2U);
    const auto flags = parse_args({"-q", "-q", "compare", "--modes", "leak,hold", "--modes", "free,hold"});
    ASSERT_TRUE(std::holds_alternative<Options>(flags)) << std::get<UsageError>(flags).message;
    EXPECT_EQ(std::get<Options>(flags).compare_modes[0], Mode::free);
}

TEST(Cli, SingleLetterSizesAreBinaryAsInCoreutils) {
    EXPECT_EQ(std::get<Options>(parse_args({"-b", "1M"})).block_bytes, 1048576U);
    EXPECT_EQ(std::get<Options>(parse_args({"-b", "1MB"})).block_bytes, 1000000U);
}

// Every kind of error CLI11 raises while parsing, in our words: one line, the flag named, a near miss
// suggested, and none of CLI11's own phrases.
struct WordingCase {
    std::vector<std::string> args;
    std::string expected;  // a part of our message
};

void PrintTo(const WordingCase& wording, std::ostream* out) {
    for (const auto& arg : wording.args) {
        *out << arg << ' ';
    }
}

class CliSaysItInOurWords : public ::testing::TestWithParam<WordingCase> {};

TEST_P(CliSaysItInOurWords, OneLineNoCli11Phrase) {
    const auto result = parse_args(GetParam().args);
    ASSERT_TRUE(std::holds_alternative<UsageError>(result));
    const std::string& message = std::get<UsageError>(result).message;
    EXPECT_NE(message.find(GetParam().expected), std::string::npos) << message;
    EXPECT_EQ(message.find('\n'), std::string::npos) << message;
    for (const char* cli11 : {"not expected", "required", "At Most", "Could not convert", "excludes",
                              "Expected exactly", "missing", "allowed value"}) {
        EXPECT_EQ(message.find(cli11), std::string::npos) << message;
    }
}

INSTANTIATE_TEST_SUITE_P(
    Cli11Errors, CliSaysItInOurWords,
    ::testing::Values(
        WordingCase{{"--colour", "never"}, "--colour: no such option; did you mean --color?"},
        WordingCase{{"--iteration", "3"}, "did you mean --iterations?"},
        WordingCase{{"--no-such-flag"}, "--no-such-flag: no such option"},
        WordingCase{{"--no-such-flag=3"}, "--no-such-flag: no such option"},
        WordingCase{{"-x"}, "-x: no such option"}, WordingCase{{"compar"}, "did you mean compare?"},
        WordingCase{{"frobnicate"}, "'frobnicate': unexpected argument"},
        WordingCase{{"two\nlines"}, "'two lines': unexpected argument"},
        WordingCase{{"--two\nlines"}, "--two lines: no such option"},
        WordingCase{{"compare", "--modess", "leak,free"}, "--modess: no such option; did you mean --modes?"},
        WordingCase{{"compare", "extra"}, "'extra': unexpected argument"},
        WordingCase{{"--mode"},
                    "--mode: needs a value (one of "
                    "{arena,cache,cycle,exception,fragment,free,hold,indirect,interior,leak,mmap})"},
        WordingCase{{"--mode="}, "--mode: needs a value"},
        WordingCase{{"-n"}, "--iterations: needs a value (N)"},
        WordingCase{{"compare", "--modes"}, "--modes: needs a value"},
        WordingCase{{"--quiet=loud"}, "--quiet: is a flag and takes no value"},
        WordingCase{{"--no-guard=maybe"}, "--no-guard: is a flag"},
        WordingCase{{"-q", "--summary-only"}, "--quiet: cannot be combined with --summary-only"},
        WordingCase{{"--mode", "bogus"},
                    "--mode: bogus not in "
                    "{arena,cache,cycle,exception,fragment,free,hold,indirect,interior,leak,mmap}"}));

TEST(Cli, MemoryGuardFlags) {
    const auto by_default = std::get<Options>(parse_args({}));
    EXPECT_TRUE(by_default.guard.enabled);
    EXPECT_FALSE(by_default.guard.max_bytes);
    EXPECT_FALSE(by_default.guard.max_available_percent);

    const auto size = std::get<Options>(parse_args({"--max-memory", "64MiB"}));
    EXPECT_EQ(size.guard.max_bytes, std::uint64_t{64} << 20);
    const auto percent = std::get<Options>(parse_args({"--max-memory=25%"}));
    EXPECT_EQ(percent.guard.max_available_percent, 25.0);
    EXPECT_FALSE(std::get<Options>(parse_args({"--no-guard"})).guard.enabled);

    const auto conflict = parse_args({"--no-guard", "--max-memory", "1GiB"});
    ASSERT_TRUE(std::holds_alternative<UsageError>(conflict));
    EXPECT_NE(std::get<UsageError>(conflict).message.find("--no-guard"), std::string::npos);
}

}  // namespace
}  // namespace leakdemo

namespace leakdemo {
namespace {

using testing::parse_args;

TEST(CliCheck, DefaultsAreShortAndWhatIsGivenWins) {
    const auto defaults = std::get<Options>(parse_args({"check"}));
    EXPECT_EQ(defaults.command, Command::check);
    EXPECT_EQ(defaults.iterations, default_check_iterations);
    EXPECT_EQ(defaults.interval, std::chrono::nanoseconds(0));
    EXPECT_EQ(defaults.block_bytes, default_check_block_bytes);
    EXPECT_EQ(defaults.check.with, CheckerChoice::all);
    const auto given = std::get<Options>(
        parse_args({"check", "--with", "LSAN", "-n", "7", "-i", "5ms", "-b", "4KiB", "--timeout", "1m"}));
    EXPECT_EQ(given.check.with, CheckerChoice::lsan);
    EXPECT_EQ(given.iterations, 7u);
    EXPECT_EQ(given.interval, std::chrono::milliseconds(5));
    EXPECT_EQ(given.block_bytes, 4096u);
    EXPECT_EQ(given.check.timeout, std::chrono::minutes(1));
    // The defaults are check's only: a plain run still goes on until Ctrl-C.
    EXPECT_FALSE(std::get<Options>(parse_args({})).iterations.has_value());
}

TEST(CliCheck, OneSubcommandAtATime) {
    for (const auto& args :
         {std::vector<std::string>{"check", "compare"},
          {"scenarios", "check"},
          {"compare", "scenarios"},
          // live was left out of the count: `check live` ran check, `scenarios live` listed scenarios.
          {"check", "live"},
          {"scenarios", "live"},
          {"live", "watch"}}) {
        const auto result = parse_args(args);
        ASSERT_TRUE(std::holds_alternative<UsageError>(result)) << args[0] << ' ' << args[1];
        EXPECT_NE(std::get<UsageError>(result).message.find("one subcommand"), std::string::npos);
    }
    EXPECT_EQ(std::get<Options>(parse_args({"scenarios"})).command, Command::scenarios);
}

TEST(CliCheck, OptionsWithoutUseInCheckAreRefused) {
    for (const std::string flag : {"--chart", "--explain", "--fail-on-leak", "--summary-only"}) {
        const auto result = parse_args({"check", flag});
        ASSERT_TRUE(std::holds_alternative<UsageError>(result)) << flag;
        EXPECT_EQ(std::get<UsageError>(result).message.rfind(flag + ": not used by check", 0), 0u);
    }
}

TEST(CliCompare, AnyTwoDistinctModesAcrossScenarios) {
    const auto result = parse_args({"compare", "--modes", "leak,cache"});
    ASSERT_TRUE(std::holds_alternative<Options>(result)) << std::get<UsageError>(result).message;
    EXPECT_EQ(std::get<Options>(result).compare_modes, (std::array<Mode, 2>{Mode::leak, Mode::cache}));
    EXPECT_TRUE(std::holds_alternative<UsageError>(parse_args({"compare", "--modes", "mmap,mmap"})));
}

}  // namespace
}  // namespace leakdemo
