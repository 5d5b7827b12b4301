// Step (c) of the command line without CLI11: combinations of options that cannot work together.
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <variant>
#include <vector>

#include "cli/check.hpp"
#include "cli_args.hpp"

namespace leakdemo {
namespace {

TEST(CheckCombinations, NothingGivenIsFine) {
    EXPECT_TRUE(check_combinations(RawOptions{}));
}

TEST(CheckCombinations, ReportNeedsAFile) {
    RawOptions raw;
    raw.report_path = "-";
    const Status status = check_combinations(raw);
    ASSERT_FALSE(status);
    EXPECT_EQ(status.error(), "--report: needs a file name (the HTML report is not written to stdout)");
    raw.report_path = "run.html";
    EXPECT_TRUE(check_combinations(raw));
}

TEST(CheckCombinations, SummaryOnlyWritesNoSamples) {
    RawOptions raw;
    raw.summary_only = true;
    EXPECT_TRUE(check_combinations(raw));
    raw.output_path = "run.csv";
    const Status status = check_combinations(raw);
    ASSERT_FALSE(status);
    EXPECT_EQ(status.error(), "--summary-only: cannot be combined with --output (it writes no samples)");
}

TEST(CheckCombinations, CompareTakesModesNotMode) {
    RawOptions raw;
    raw.mode = "free";
    EXPECT_TRUE(check_combinations(raw)) << "--mode is the single run's";
    raw.compare = true;
    const Status status = check_combinations(raw);
    ASSERT_FALSE(status);
    EXPECT_EQ(status.error(), "--mode: not used by compare; give the two modes with --modes A,B");
}

TEST(CheckCombinations, CompareHasNoSummaryOnly) {
    RawOptions raw;
    raw.compare = true;
    EXPECT_TRUE(check_combinations(raw));
    raw.summary_only = true;
    const Status status = check_combinations(raw);
    ASSERT_FALSE(status);
    EXPECT_EQ(status.error(), "--summary-only: not available with compare");
}

// The names --help and the completions leave out of a subcommand are the ones the checks refuse: each,
// given on the real command line after that subcommand, is a usage error that names it.
TEST(CheckCombinations, EveryOptionASubcommandRefusesIsRefused) {
    const std::map<std::string, std::vector<std::string>> values = {{"--mode", {"leak"}},
                                                                    {"--block-size", {"1MiB"}},
                                                                    {"--touch", {"page"}},
                                                                    {"--fill", {"1"}},
                                                                    {"--mmap-threshold", {"1MiB"}},
                                                                    {"--trim", {}},
                                                                    {"--huge-pages", {}},
                                                                    {"--bars", {"never"}},
                                                                    {"--progress", {"never"}},
                                                                    {"--summary-only", {}},
                                                                    {"--threads", {"4"}}};
    for (const std::string subcommand : {"compare", "watch"}) {
        ASSERT_FALSE(options_refused_by(subcommand).empty()) << subcommand;
        for (const std::string_view name : options_refused_by(subcommand)) {
            const auto value = values.find(std::string(name));
            ASSERT_NE(value, values.end()) << name << ": give this test a value for it";
            std::vector<std::string> args{subcommand, std::string(name)};
            args.insert(args.end(), value->second.begin(), value->second.end());
            if (subcommand == "watch") {
                args.insert(args.end(), {"--", "true"});
            }
            const CliResult parsed = testing::parse_args(args);
            const auto* usage = std::get_if<UsageError>(&parsed);
            ASSERT_NE(usage, nullptr) << subcommand << " " << name;
            EXPECT_EQ(usage->message.rfind(std::string(name) + ":", 0), 0U) << usage->message;
        }
    }
    EXPECT_TRUE(options_refused_by("no-such-subcommand").empty());
}

// scenarios runs nothing: every option but the two it takes is refused, named by both its names.
TEST(CheckCombinations, ScenariosRefusesEveryOptionButFormatAndColor) {
    EXPECT_TRUE(std::holds_alternative<Options>(
        testing::parse_args({"scenarios", "-f", "jsonl", "--color", "never"})));
    for (const std::vector<std::string>& args : std::vector<std::vector<std::string>>{
             {"scenarios", "-n", "5"}, {"-n", "5", "scenarios"}, {"scenarios", "--no-guard"}}) {
        const CliResult parsed = testing::parse_args(args);
        const auto* usage = std::get_if<UsageError>(&parsed);
        ASSERT_NE(usage, nullptr) << args[1];
        EXPECT_EQ(usage->message.rfind("scenarios: ", 0), 0U) << usage->message;
        EXPECT_NE(usage->message.find(args[1] == "--no-guard" ? "--no-guard has no effect"
                                                              : "-n/--iterations has no effect"),
                  std::string::npos)
            << usage->message;
    }
    EXPECT_EQ(options_only_taken_by("scenarios").size(), 2U);
    EXPECT_TRUE(options_only_taken_by("check").empty());
}

}  // namespace
}  // namespace leakdemo
