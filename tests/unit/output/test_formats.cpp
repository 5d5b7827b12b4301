#include <gtest/gtest.h>

#include <string>

#include "output/formats.hpp"

namespace leakdemo {
namespace {

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
