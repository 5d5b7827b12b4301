#include <fmt/format.h>
#include <gtest/gtest.h>

#include <string>

#include "cli/options.hpp"
#include "output/report.hpp"
#include "series_fixtures.hpp"

namespace leakdemo {
namespace {

using testing::count_occurrences;
using testing::synthetic_series;

constexpr std::uint64_t block = 4096000;

TEST(Report, EverySampleOfEverySeriesIsAPoint) {
    const std::vector<ReportSeries> both{synthetic_series(Mode::leak, 11, block),
                                         synthetic_series(Mode::hold, 7, block)};
    const std::string html = render_html_report({}, both);
    for (std::string_view metric : {"rss", "maxrss"}) {
        EXPECT_EQ(count_occurrences(
                      html, fmt::format("class=\"point\" data-series=\"leak\" data-metric=\"{}\"", metric)),
                  11U);
        EXPECT_EQ(count_occurrences(
                      html, fmt::format("class=\"point\" data-series=\"hold\" data-metric=\"{}\"", metric)),
                  7U);
    }
    // The third line is what each mode keeps: unreachable bytes for leak, reachable ones for hold.
    EXPECT_EQ(count_occurrences(html, "class=\"point\" data-series=\"leak\" data-metric=\"leaked\""), 11U);
    EXPECT_EQ(count_occurrences(html, "class=\"point\" data-series=\"hold\" data-metric=\"held\""), 7U);
    for (std::string_view label :
         {">leak: RSS<", ">leak: max RSS<", ">leak: leaked<", ">hold: RSS<", ">hold: held<"}) {
        EXPECT_EQ(count_occurrences(html, label), 1U) << label;
    }
    EXPECT_NE(html.find("leaking"), std::string::npos);
    EXPECT_NE(html.find("<title>leakdemo report: leak vs hold</title>"), std::string::npos);
}

TEST(Report, ParametersNameHugePagesAndTheRoundedBlock) {
    Options options;
    options.block_bytes = 4096000;
    options.huge_pages = true;
    const std::string html = render_html_report(report_parameters(options), {});
    EXPECT_NE(html.find("<th>huge pages</th><td>yes"), std::string::npos) << html;
    EXPECT_NE(html.find("rounded up to 4194304 bytes (4.0 MiB) by --huge-pages"), std::string::npos) << html;
    options.huge_pages = false;
    const std::string plain = render_html_report(report_parameters(options), {});
    EXPECT_NE(plain.find("<th>huge pages</th><td>no</td>"), std::string::npos);
    EXPECT_EQ(plain.find("rounded up"), std::string::npos);
}

TEST(Report, SummaryHasPageFaultsAndTheShapeOfRss) {
    std::vector<ReportSeries> one{synthetic_series(Mode::leak, 11, block)};
    one[0].summary->minor_faults = 10010;
    one[0].summary->minor_faults_per_block = 1001;
    const std::string html = render_html_report({}, one);
    EXPECT_NE(html.find("<th>page faults</th><td>1001.0 minor per block (10010 in all)</td>"),
              std::string::npos)
        << html;
    EXPECT_NE(html.find("<th>RSS over the run</th>"), std::string::npos);
}

TEST(Report, SelfContainedAndEscaped) {
    std::vector<ReportSeries> one{synthetic_series(Mode::free, 3, 0)};
    one[0].notes.add(2, "a <b> & \"c\"");
    const std::vector<ReportParameter> parameters{{"block <size>", "4 & 4"}};
    const std::string html = render_html_report(parameters, one);
    EXPECT_EQ(html.find("http"), std::string::npos) << "no URL of any kind";
    EXPECT_EQ(html.find("<script"), std::string::npos);
    EXPECT_EQ(html.find("@import"), std::string::npos);
    EXPECT_NE(html.find("a &lt;b&gt; &amp; &quot;c&quot;"), std::string::npos);
    EXPECT_NE(html.find("block &lt;size&gt;"), std::string::npos);
    EXPECT_NE(html.find("iteration 2:"), std::string::npos);
}

TEST(Report, ALongRunIsDrawnFromItsBucketsWithItsPeakExact) {
    constexpr std::uint64_t samples = 100'000;
    std::vector<ReportSeries> one{synthetic_series(Mode::leak, samples, 4096)};
    const std::size_t buckets = one[0].samples.buckets().size();
    ASSERT_LE(buckets, BoundedSeries::default_capacity);
    ASSERT_GT(one[0].samples.bucket_samples(), 1U);
    const std::string html = render_html_report({}, one);
    EXPECT_EQ(count_occurrences(html, "class=\"point\" data-series=\"leak\" data-metric=\"rss\""), buckets);
    EXPECT_EQ(count_occurrences(html, "<polygon class=\"range\""), 3U) << "a band per metric";
    // The highest point's value is the last sample's RSS: the run's peak, exactly.
    const std::uint64_t peak = (std::uint64_t{4} << 20) + (samples - 1) * 4096;
    EXPECT_EQ(
        count_occurrences(html, fmt::format("data-metric=\"rss\" data-iteration=\"{}\" data-bytes=\"{}\"",
                                            samples - 1, peak)),
        1U);
    EXPECT_NE(html.find(fmt::format("{} samples in {} points", samples, buckets)), std::string::npos);
    EXPECT_LT(html.size(), std::size_t{1} << 20);
}

TEST(Report, LiveKeyPressesAreMarksOnTheChartAndAListBounded) {
    std::vector<ReportSeries> one{synthetic_series(Mode::leak, 20, block)};
    SeriesRecorder recorder(Mode::leak);
    recorder.series() = std::move(one[0]);
    recorder.event(5, "h", "hold mode from iteration 6 on");
    recorder.event(9, "r", "released 4.0 MiB <of> held blocks");
    std::string html = render_html_report({}, std::span<const ReportSeries>(&recorder.series(), 1));
    EXPECT_EQ(count_occurrences(html, "<line class=\"mark\""), 2U);
    EXPECT_EQ(count_occurrences(html, "data-iteration=\"9\" x1="), 1U);
    EXPECT_NE(html.find("<text class=\"mark-label\""), std::string::npos);
    EXPECT_NE(html.find("after iteration 9:</span> r: released 4.0 MiB &lt;of&gt; held blocks"),
              std::string::npos);
    EXPECT_EQ(html.find("marks-dropped"), std::string::npos);
    for (std::uint64_t i = 0; i < 100; ++i) {
        recorder.event(10 + i, "space", "paused");
    }
    html = render_html_report({}, std::span<const ReportSeries>(&recorder.series(), 1));
    EXPECT_EQ(count_occurrences(html, "<line class=\"mark\""), BoundedNotes::default_capacity);
    EXPECT_NE(html.find("and 38 more key presses, not kept: the report keeps the first 64."),
              std::string::npos);
}

TEST(Report, KeepsTheFirstNotesAndSaysHowManyMore) {
    std::vector<ReportSeries> one{synthetic_series(Mode::free, 3, 0)};
    for (std::uint64_t i = 0; i < 100; ++i) {
        one[0].notes.add(i, fmt::format("note number {}.", i));
    }
    const std::string html = render_html_report({}, one);
    EXPECT_EQ(count_occurrences(html, "<li><span class=\"iteration\">"), BoundedNotes::default_capacity);
    EXPECT_NE(html.find("note number 63."), std::string::npos);
    EXPECT_EQ(html.find("note number 64."), std::string::npos);
    EXPECT_NE(html.find("and 36 more notes, not kept: the report keeps the first 64."), std::string::npos);
}

TEST(Report, ASeriesWithoutSummaryIsStillDrawnAndSaysSo) {
    // A compare child that died before its summary: its samples are drawn, the summary is said to be missing.
    std::vector<ReportSeries> both{synthetic_series(Mode::leak, 4, block),
                                   synthetic_series(Mode::free, 3, 0)};
    both[1].summary.reset();
    const std::string html = render_html_report({}, both);
    EXPECT_EQ(count_occurrences(html, "class=\"point\" data-series=\"free\" data-metric=\"rss\""), 3U);
    EXPECT_EQ(count_occurrences(html, "class=\"summary missing\" data-series=\"free\""), 1U);
    EXPECT_EQ(count_occurrences(html, "<table class=\"summary\" data-series=\"leak\""), 1U);
}

}  // namespace
}  // namespace leakdemo
