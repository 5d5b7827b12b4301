#include <gtest/gtest.h>

#include <array>
#include <string>

#include "cli/usage_message.hpp"

namespace leakdemo {
namespace {

TEST(EditDistance, CountsInsertionsDeletionsAndSubstitutions) {
    EXPECT_EQ(edit_distance("", ""), 0U);
    EXPECT_EQ(edit_distance("--color", "--color"), 0U);
    EXPECT_EQ(edit_distance("--colour", "--color"), 1U);  // one deletion
    EXPECT_EQ(edit_distance("--colr", "--color"), 1U);    // one insertion
    EXPECT_EQ(edit_distance("--culor", "--color"), 1U);   // one substitution
    EXPECT_EQ(edit_distance("kitten", "sitting"), 3U);
    EXPECT_EQ(edit_distance("", "abc"), 3U);
}

const std::array<std::string, 5> names{"--color", "--mode", "--modes", "--iterations", "compare"};

TEST(NearestName, SuggestsOnlyWithinTwoEdits) {
    EXPECT_EQ(nearest_name("--colour", names), "--color");
    EXPECT_EQ(nearest_name("--colour=never", names), "--color");  // the value is not compared
    EXPECT_EQ(nearest_name("--mod", names), "--mode");            // the nearest, not the first within 2
    EXPECT_EQ(nearest_name("--modez", names), "--mode");          // equals: the first
    EXPECT_EQ(nearest_name("comprae", names), "compare");
    EXPECT_EQ(nearest_name("--frobnicate", names), std::nullopt);
    EXPECT_EQ(nearest_name("-x", names), std::nullopt);
}

TEST(UsageMessage, NamesTheArgumentInOneLine) {
    EXPECT_EQ(unknown_argument_message("--colour", names),
              "--colour: no such option; did you mean --color? (see leakdemo --help)");
    EXPECT_EQ(unknown_argument_message("--bogus=1", names), "--bogus: no such option (see leakdemo --help)");
    EXPECT_EQ(unknown_argument_message("compaer", names),
              "'compaer': unexpected argument; did you mean compare?");
    EXPECT_EQ(unknown_argument_message("frobnicate", names),
              "'frobnicate': unexpected argument (see leakdemo --help)");
    EXPECT_EQ(missing_value_message("--iterations", "N"), "--iterations: needs a value (N)");
    EXPECT_EQ(missing_value_message("--report", ""), "--report: needs a value");
    EXPECT_EQ(flag_with_value_message("--quiet"),
              "--quiet: is a flag and takes no value (give --quiet alone)");
    EXPECT_EQ(excluded_message("--quiet", "--summary-only"),
              "--quiet: cannot be combined with --summary-only");
}

}  // namespace
}  // namespace leakdemo
