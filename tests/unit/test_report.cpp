#include <gtest/gtest.h>

#include <string>

#include "leakdemo/report.hpp"

namespace leakdemo {
namespace {

std::size_t count(const std::string& text, std::string_view what) {
    std::size_t found = 0;
    for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + what.size())) {
        ++found;
    }
    return found;
}

ReportSeries series_of(Mode mode, std::uint64_t samples) {
    ReportSeries series;
    series.mode = mode;
    for (std::uint64_t i = 0; i < samples; ++i) {
        Record record;
        record.iteration = i;
        record.mode = mode;
        record.block_bytes = 4096000;
        record.counters.leaked_bytes = mode == Mode::leak ? i * 4096000 : 0;
        record.counters.outstanding_bytes = mode == Mode::free ? 0 : i * 4096000;
        record.sample.rss_bytes = (4 << 20) + record.counters.outstanding_bytes;
        record.sample.maxrss_bytes = record.sample.rss_bytes;
        series.records.push_back(record);
    }
    series.summary.mode = mode;
    series.summary.iterations = samples - 1;
    series.summary.verdict = mode == Mode::leak ? Verdict::leaking : Verdict::stable;
    return series;
}

TEST(Report, EverySampleOfEverySeriesIsAPoint) {
    const std::vector<ReportSeries> both{series_of(Mode::leak, 11), series_of(Mode::hold, 7)};
    const std::string html = render_html_report({}, both);
    for (std::string_view metric : {"rss", "maxrss"}) {
        EXPECT_EQ(count(html, fmt::format("class=\"point\" data-series=\"leak\" data-metric=\"{}\"", metric)), 11U);
        EXPECT_EQ(count(html, fmt::format("class=\"point\" data-series=\"hold\" data-metric=\"{}\"", metric)), 7U);
    }
    // The third line is what each mode keeps: unreachable bytes for leak, reachable ones for hold.
    EXPECT_EQ(count(html, "class=\"point\" data-series=\"leak\" data-metric=\"leaked\""), 11U);
    EXPECT_EQ(count(html, "class=\"point\" data-series=\"hold\" data-metric=\"held\""), 7U);
    for (std::string_view label : {">leak: RSS<", ">leak: max RSS<", ">leak: leaked<", ">hold: RSS<", ">hold: held<"}) {
        EXPECT_EQ(count(html, label), 1U) << label;
    }
    EXPECT_NE(html.find("leaking"), std::string::npos);
    EXPECT_NE(html.find("<title>leakdemo report: leak vs hold</title>"), std::string::npos);
}

TEST(Report, SelfContainedAndEscaped) {
    std::vector<ReportSeries> one{series_of(Mode::free, 3)};
    one[0].notes.push_back(Note{2, "a <b> & \"c\""});
    const std::vector<ReportParameter> parameters{{"block <size>", "4 & 4"}};
    const std::string html = render_html_report(parameters, one);
    EXPECT_EQ(html.find("http"), std::string::npos) << "no URL of any kind";
    EXPECT_EQ(html.find("<script"), std::string::npos);
    EXPECT_EQ(html.find("@import"), std::string::npos);
    EXPECT_NE(html.find("a &lt;b&gt; &amp; &quot;c&quot;"), std::string::npos);
    EXPECT_NE(html.find("block &lt;size&gt;"), std::string::npos);
    EXPECT_NE(html.find("iteration 2:"), std::string::npos);
}

}  // namespace
}  // namespace leakdemo
