#include "output/chart.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <optional>
#include <vector>

#include "util/units.hpp"

namespace leakdemo {
namespace {

struct Glyphs {
    std::string_view rss;
    std::string_view max_rss;
};

// Filled glyph for RSS, hollow for max RSS; one shape per series.
constexpr std::array<Glyphs, 3> unicode_glyphs{{{"●", "○"}, {"■", "□"}, {"▲", "△"}}};
constexpr std::array<Glyphs, 3> ascii_glyphs{{{"*", "."}, {"#", "+"}, {"@", "-"}}};

constexpr int label_width = 10;  // "999.9 MiB" right-aligned, then the axis

}  // namespace

std::uint64_t axis_step_bytes(std::uint64_t top, int max_ticks) {
    std::uint64_t step = 1024;
    while (step * static_cast<std::uint64_t>(std::max(max_ticks, 1)) < top &&
           step < (std::uint64_t{1} << 60)) {
        step *= 2;
    }
    return step;
}

namespace {

// The last iteration and the highest RSS or max RSS of all series; nullopt without a single record.
struct Extent {
    std::uint64_t last_iteration = 0;
    std::uint64_t top_bytes = 0;
};

std::optional<Extent> extent_of(std::span<const ReportSeries> series) {
    std::optional<Extent> extent;
    for (const ReportSeries& one : series) {
        for (const Bucket& bucket : one.samples.buckets()) {
            if (!extent) {
                extent = Extent{};
            }
            extent->last_iteration = std::max(extent->last_iteration, bucket.last_iteration);
            extent->top_bytes =
                std::max({extent->top_bytes, bucket.max[Figure::rss], bucket.max[Figure::maxrss]});
        }
    }
    return extent;
}

// grid[row][column] holds one glyph (as text); row 0 is the top.
using Grid = std::vector<std::vector<std::string_view>>;

// Max RSS first, then RSS over it: where both are equal the current value shows.
Grid plot(std::span<const ReportSeries> series, const Extent& extent, double top, int rows, int columns,
          bool unicode) {
    Grid grid(static_cast<std::size_t>(rows),
              std::vector<std::string_view>(static_cast<std::size_t>(columns), " "));
    const auto column_of = [&](std::uint64_t iteration) {
        if (extent.last_iteration == 0) {
            return 0;
        }
        return static_cast<int>(std::lround(static_cast<double>(iteration) * (columns - 1) /
                                            static_cast<double>(extent.last_iteration)));
    };
    const auto row_of = [&](std::uint64_t bytes) {
        const auto from_bottom = static_cast<int>(std::lround(static_cast<double>(bytes) / top * (rows - 1)));
        return rows - 1 - std::clamp(from_bottom, 0, rows - 1);
    };
    const auto& glyphs = unicode ? unicode_glyphs : ascii_glyphs;
    for (int pass = 0; pass < 2; ++pass) {
        for (std::size_t s = 0; s < series.size(); ++s) {
            const Glyphs& glyph = glyphs[s % glyphs.size()];
            // A bucket of several samples shows its range: RSS at its lowest and highest, max RSS at its
            // highest (a high-water mark only rises), all in the column of its last iteration.
            for (const Bucket& bucket : series[s].samples.buckets()) {
                const auto column = static_cast<std::size_t>(column_of(bucket.last_iteration));
                if (pass == 0) {
                    grid[static_cast<std::size_t>(row_of(bucket.max[Figure::maxrss]))][column] =
                        glyph.max_rss;
                    continue;
                }
                for (const std::uint64_t bytes : {bucket.min[Figure::rss], bucket.max[Figure::rss]}) {
                    grid[static_cast<std::size_t>(row_of(bytes))][column] = glyph.rss;
                }
            }
        }
    }
    return grid;
}

// Each row of the plot behind its y label (0, half and top only), trailing blanks left out.
void append_rows(std::string& text, const Grid& grid, double top, bool unicode) {
    const auto rows = static_cast<int>(grid.size());
    for (int row = 0; row < rows; ++row) {
        std::string label;
        if (row == 0 || row == (rows - 1) / 2 || row == rows - 1) {
            const double value = top * (rows - 1 - row) / (rows - 1);
            label = format_bytes(static_cast<std::uint64_t>(value));
        }
        std::string line = fmt::format("{:>{}} {}", label, label_width, unicode ? "┤" : "|");
        for (std::string_view cell : grid[static_cast<std::size_t>(row)]) {
            line.append(cell);
        }
        while (!line.empty() && line.back() == ' ') {
            line.pop_back();
        }
        text += line;
        text += '\n';
    }
}

// The x axis, its labels (0, "iteration", the last iteration) and one legend line per series, so two
// modes still fit a narrow terminal.
void append_axis_and_legend(std::string& text, std::span<const ReportSeries> series,
                            std::uint64_t last_iteration, int columns, bool unicode) {
    std::string axis = fmt::format("{:>{}} {}", "", label_width, unicode ? "└" : "+");
    for (int column = 0; column < columns; ++column) {
        axis.append(unicode ? "─" : "-");
    }
    text += axis + '\n';
    const std::string first = "0";
    const std::string last = fmt::format("{}", last_iteration);
    const std::string middle(x_axis_name(series));
    const int gap = std::max(columns - static_cast<int>(first.size() + middle.size() + last.size()), 2);
    text += fmt::format("{:>{}} {}{:>{}}{}{:>{}}\n", "", label_width, first, "", gap / 2, middle, last,
                        gap - gap / 2 + static_cast<int>(last.size()));
    const auto& glyphs = unicode ? unicode_glyphs : ascii_glyphs;
    for (std::size_t s = 0; s < series.size(); ++s) {
        const Glyphs& glyph = glyphs[s % glyphs.size()];
        const std::string_view name = series_key(series[s]);
        text += fmt::format("{:>{}}  {} {} rss   {} {} {}\n", "", label_width, glyph.rss, name, glyph.max_rss,
                            name, series[s].watched ? "VmHWM (sum)" : "max rss");
    }
}

}  // namespace

std::string render_chart(std::span<const ReportSeries> series, const ChartStyle& style) {
    const auto extent = extent_of(series);
    if (!extent) {
        return {};
    }
    const int columns = std::max(style.width - 1 - (label_width + 2), 10);  // label, space, axis
    // An odd number of rows puts the middle label exactly at half the top.
    const int rows = std::max(style.height, 3) | 1;
    // The top is a whole number of round steps, so the three labels read 0, half and top in round units.
    const std::uint64_t step = axis_step_bytes(extent->top_bytes, 4);
    const auto top =
        static_cast<double>(std::max<std::uint64_t>((extent->top_bytes + step - 1) / step, 2) * step);

    const bool watched = series.front().watched.has_value();
    std::string text = fmt::format("RSS and {} by {}\n", watched ? "VmHWM" : "max RSS", x_axis_name(series));
    append_rows(text, plot(series, *extent, top, rows, columns, style.unicode), top, style.unicode);
    append_axis_and_legend(text, series, extent->last_iteration, columns, style.unicode);
    return text;
}

}  // namespace leakdemo
