#include <gtest/gtest.h>

#include <limits>

#include "util/units.hpp"

namespace leakdemo {
namespace {

using namespace std::chrono_literals;

struct SizeCase {
    const char* text;
    std::uint64_t bytes;
};

// Readable test names in ctest ("Sizes/ParseSizeValid.Parses/4MiB"), not the struct's bytes.
void PrintTo(const SizeCase& size_case, std::ostream* out) {
    *out << size_case.text;
}

class ParseSizeValid : public ::testing::TestWithParam<SizeCase> {};

TEST_P(ParseSizeValid, Parses) {
    const auto result = parse_size(GetParam().text);
    ASSERT_TRUE(result) << GetParam().text << ": " << result.error();
    EXPECT_EQ(result.value(), GetParam().bytes);
}

INSTANTIATE_TEST_SUITE_P(
    Sizes, ParseSizeValid,
    ::testing::Values(SizeCase{"4096000", 4096000}, SizeCase{"4000KiB", 4096000}, SizeCase{"4MB", 4000000},
                      SizeCase{"4MiB", 4194304}, SizeCase{"4mib", 4194304}, SizeCase{"4 MiB", 4194304},
                      SizeCase{"1KB", 1000}, SizeCase{"1K", 1024}, SizeCase{"1k", 1024},
                      SizeCase{"1KiB", 1024}, SizeCase{"1M", 1048576}, SizeCase{"1m", 1048576},
                      SizeCase{"1MB", 1000000}, SizeCase{"1mb", 1000000}, SizeCase{"1G", 1073741824},
                      SizeCase{"1GB", 1000000000}, SizeCase{"1T", 1099511627776ULL},
                      SizeCase{"1TB", 1000000000000ULL}, SizeCase{"1TiB", 1099511627776ULL},
                      SizeCase{"1.5M", 1572864}, SizeCase{"4000K", 4096000}, SizeCase{"1.5MiB", 1572864},
                      SizeCase{"0.5KiB", 512}, SizeCase{"1GiB", 1073741824}, SizeCase{"2GB", 2000000000},
                      SizeCase{"12B", 12}, SizeCase{"0", 0}, SizeCase{"010", 10},
                      SizeCase{"18446744073709551615", 18446744073709551615ULL}));

class ParseSizeInvalid : public ::testing::TestWithParam<const char*> {};

TEST_P(ParseSizeInvalid, RejectsWithAMessage) {
    const auto result = parse_size(GetParam());
    EXPECT_FALSE(result) << GetParam();
    EXPECT_FALSE(result.error().empty());
}

INSTANTIATE_TEST_SUITE_P(Sizes, ParseSizeInvalid,
                         ::testing::Values("", "-1", "abc", "4XB", "MiB", "1.", ".", "0x10", "1e9",
                                           "18446744073709551616", "20000000TiB", "4 M i B", "+5", "1.5",
                                           "2.5B"));

TEST(ParseDuration, AcceptsTheDocumentedForms) {
    EXPECT_EQ(parse_duration("0").value(), 0ns);
    EXPECT_EQ(parse_duration("250ms").value(), 250ms);
    EXPECT_EQ(parse_duration("1.5s").value(), 1500ms);
    EXPECT_EQ(parse_duration("2m").value(), 120s);
    EXPECT_EQ(parse_duration("2").value(), 2s);
    EXPECT_EQ(parse_duration("1h").value(), 3600s);
    EXPECT_EQ(parse_duration("24h").value(), 24h);
    EXPECT_EQ(parse_duration("10us").value(), 10us);
}

TEST(ParseDuration, RejectsBadOrAbsurdValues) {
    for (const char* text : {"-1", "", "soon", "5 parsecs", "25h", "1e3", "99999999999999999999s", "1.s"}) {
        const auto result = parse_duration(text);
        EXPECT_FALSE(result) << text;
        EXPECT_FALSE(result.error().empty()) << text;
    }
}

TEST(ParseCount, WholePositiveNumbersOnly) {
    EXPECT_EQ(parse_count("10").value(), 10U);
    for (const char* text : {"0", "-3", "1e99", "1.5", "", "99999999999999999999999"}) {
        EXPECT_FALSE(parse_count(text)) << text;
    }
}

TEST(FormatBytes, HumanBinaryUnits) {
    EXPECT_EQ(format_bytes(0), "0 B");
    EXPECT_EQ(format_bytes(1023), "1023 B");
    EXPECT_EQ(format_bytes(1024), "1.0 KiB");
    EXPECT_EQ(format_bytes(4096000), "3.9 MiB");
    EXPECT_EQ(format_bytes(3ULL << 30), "3.0 GiB");
    EXPECT_EQ(format_bytes((1ULL << 20) - 1), "1.0 MiB");
}

TEST(FormatBytes, SignedChanges) {
    EXPECT_EQ(format_signed_bytes(0), "0 B");
    EXPECT_EQ(format_signed_bytes(4100096), "+3.9 MiB");
    EXPECT_EQ(format_signed_bytes(-4096), "-4.0 KiB");
    EXPECT_EQ(format_signed_bytes(INT64_MIN), "-8192 PiB") << "the most negative value has no positive twin";
}

TEST(FormatDuration, RoundTripsThroughTheParser) {
    for (std::chrono::nanoseconds d :
         {0ns, 250000000ns, 1500000000ns, 120000000000ns, 3600000000000ns, 10000ns}) {
        EXPECT_EQ(parse_duration(format_duration(d)).value(), d) << format_duration(d);
    }
}

TEST(DurationWords, OneWordingFromSecondsToYears) {
    EXPECT_EQ(format_duration_words(0), "0 s");
    EXPECT_EQ(format_duration_words(59), "59 s");
    EXPECT_EQ(format_duration_words(59.4), "59 s");
    EXPECT_EQ(format_duration_words(60), "1 min");
    EXPECT_EQ(format_duration_words(61), "1 min 1 s");
    EXPECT_EQ(format_duration_words(3599), "59 min 59 s");
    EXPECT_EQ(format_duration_words(3600), "1 h");
    EXPECT_EQ(format_duration_words(3601), "1 h");  // to the minute above an hour
    EXPECT_EQ(format_duration_words(3720), "1 h 2 min");
    EXPECT_EQ(format_duration_words(86340), "23 h 59 min");
    EXPECT_EQ(format_duration_words(86399), "1 d");  // rounded to the minute: 1,440 min
    EXPECT_EQ(format_duration_words(86400), "1 d");
    EXPECT_EQ(format_duration_words(86400 + 5 * 3600), "1 d 5 h");
    EXPECT_EQ(format_duration_words(10 * 365 * 86400.0), "3,650 d");
    EXPECT_EQ(format_duration_words(10 * 365.25 * 86400), "3,652 d 12 h");
    EXPECT_EQ(format_duration_words(-5), "0 s");
    EXPECT_EQ(format_duration_words(std::numeric_limits<double>::quiet_NaN()), "0 s");
    EXPECT_FALSE(format_duration_words(std::numeric_limits<double>::infinity()).empty());
}

TEST(DurationCompact, AtMostSixColumnsFromSecondsToYears) {
    constexpr std::int64_t s = 1'000'000'000;
    EXPECT_EQ(format_duration_compact(0).view(), "0.0s");
    EXPECT_EQ(format_duration_compact(59 * s).view(), "59.0s");
    EXPECT_EQ(format_duration_compact(59'990'000'000).view(), "1m00s");  // rounded, never "60.0s"
    EXPECT_EQ(format_duration_compact(61 * s).view(), "1m01s");
    EXPECT_EQ(format_duration_compact(3599 * s).view(), "59m59s");
    EXPECT_EQ(format_duration_compact(3601 * s).view(), "1h00m");
    EXPECT_EQ(format_duration_compact(86400 * s).view(), "1d00h");
    EXPECT_EQ(format_duration_compact(10 * 365 * 86400 * s).view(), "3650d");
    EXPECT_EQ(format_duration_compact(-s).view(), "0.0s");
    EXPECT_EQ(format_duration_compact(std::numeric_limits<std::int64_t>::max()).view(), "106751d");
}

}  // namespace
}  // namespace leakdemo
