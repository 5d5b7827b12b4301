#include <gtest/gtest.h>

#include <sstream>
#include <string>

#include "output/bars.hpp"
#include "output/chart.hpp"
#include "series_fixtures.hpp"

namespace leakdemo {
namespace {

constexpr std::uint64_t mib = 1 << 20;

using testing::count_occurrences;
using testing::synthetic_series;

TEST(Bar, FillIsProportionalAndTheMarkSitsAtMaxRss) {
    // 4 of 16 MiB on 16 cells: 4 full cells; max at 8 MiB: the marker in cell 8.
    EXPECT_EQ(render_bar(4 * mib, 8 * mib, 16 * mib, 16, false), "####    |");
    EXPECT_EQ(render_bar(4 * mib, 8 * mib, 16 * mib, 16, true), "████    ┃");
    // Half a cell is drawn in eighths.
    EXPECT_EQ(render_bar(mib / 2, 0, 16 * mib, 16, true), "▌┃");
}

TEST(Bar, NeverWiderThanItsCells) {
    for (int cells : {1, 5, 10, 37}) {
        for (std::uint64_t value : {std::uint64_t{0}, 3 * mib, 16 * mib, 40 * mib}) {
            EXPECT_LE(display_width(render_bar(value, value + mib, 16 * mib, cells, true)),
                      static_cast<std::size_t>(cells));
            EXPECT_LE(render_bar(value, 2 * value, 16 * mib, cells, false).size(),
                      static_cast<std::size_t>(cells));
        }
    }
    EXPECT_EQ(render_bar(mib, mib, 16 * mib, 0, true), "");
}

TEST(Bar, ScaleIsAPowerOfTwoAboveTheValue) {
    EXPECT_EQ(bar_scale_for(0), mib);
    EXPECT_EQ(bar_scale_for(5 * mib), 8 * mib);
    EXPECT_EQ(bar_scale_for(8 * mib), 8 * mib);
}

TEST(Chart, TwoSeriesShareOnePlotWithALegendAndFitTheWidth) {
    const std::vector<ReportSeries> both{synthetic_series(Mode::leak, 21, 4 * mib),
                                         synthetic_series(Mode::free, 21, 0)};
    const std::string chart = render_chart(both, ChartStyle{60, 10, true});
    EXPECT_NE(chart.find("● leak rss"), std::string::npos) << chart;
    EXPECT_NE(chart.find("■ free rss"), std::string::npos) << chart;
    EXPECT_NE(chart.find("□ free max rss"), std::string::npos) << chart;
    // 21 samples in 21 distinct columns, plus the legend; at iteration 0 both are at 4 MiB, and the series
    // drawn last (free) covers leak's point there.
    EXPECT_EQ(count_occurrences(chart, "●"), 20U + 1) << chart;
    EXPECT_EQ(count_occurrences(chart, "■"), 21U + 1) << chart;
    std::istringstream lines(chart);
    for (std::string line; std::getline(lines, line);) {
        EXPECT_LE(display_width(line), 59U) << line;
    }
}

TEST(Chart, AsciiUsesNoMultibyteText) {
    const std::vector<ReportSeries> one{synthetic_series(Mode::leak, 5, mib)};
    const std::string chart = render_chart(one, ChartStyle{40, 6, false});
    for (const char c : chart) {
        EXPECT_LT(static_cast<unsigned char>(c), 0x80);
    }
    EXPECT_NE(chart.find("* leak rss"), std::string::npos) << chart;
}

TEST(Chart, NoSamplesNoChart) {
    EXPECT_EQ(render_chart({}, ChartStyle{}), "");
}

}  // namespace
}  // namespace leakdemo
