#include "live/chart_view.hpp"

#include <algorithm>
#include <array>
#include <cstddef>
#include <string_view>

#include "output/chart.hpp"
#include "util/units.hpp"

namespace leakdemo::frame_detail {
namespace {

constexpr int label_width = 10;

// The chart's scale: the points it shows and the byte value of its top edge.
struct Plot {
    std::size_t points = 0;  // the newest `points` of the ring, oldest in column 0
    int columns = 0;
    int rows = 0;
    double top_bytes = 1;
    bool unicode = true;
    bool color = false;
};

Plot plot_of(const ChartRing& ring, int width, int rows, bool unicode, bool color) {
    Plot plot;
    plot.color = color;
    plot.columns = std::max(width - label_width - 1, 1);
    plot.points = std::min<std::size_t>(ring.size(), static_cast<std::size_t>(plot.columns));
    plot.rows = rows;
    plot.unicode = unicode;
    std::uint64_t top = 0;
    for (std::size_t age = 0; age < plot.points; ++age) {
        const ChartPoint& point = ring.at_age(age);
        top = std::max({top, point.rss_bytes, point.maxrss_bytes, point.leaked_bytes, point.held_bytes});
    }
    const std::uint64_t step = axis_step_bytes(top, 4);
    plot.top_bytes = static_cast<double>(std::max<std::uint64_t>((top + step - 1) / step, 1) * step);
    return plot;
}

// Column `column`'s point, or nullptr right of the newest while the width is not yet full.
const ChartPoint* point_at(const ChartRing& ring, const Plot& plot, int column) {
    const auto index = static_cast<std::size_t>(column);
    return index < plot.points ? &ring.at_age(plot.points - 1 - index) : nullptr;
}

// Height of `bytes` in rows (0 .. rows).
double level_of(const Plot& plot, std::uint64_t bytes) {
    return static_cast<double>(bytes) / plot.top_bytes * plot.rows;
}

// The row (from the bottom) a value's marker sits in.
int marker_row(const Plot& plot, std::uint64_t bytes) {
    return std::min(static_cast<int>(level_of(plot, bytes)), plot.rows - 1);
}

// One cell, `from_bottom` rows above the axis, and its paint (the series it shows).
struct Cell {
    std::string_view text;
    Paint paint = Paint::plain;
};

Cell cell(const Plot& plot, const ChartPoint& point, int from_bottom) {
    static constexpr std::array<std::string_view, 8> eighths{"▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"};
    if (point.leaked_bytes > 0 && marker_row(plot, point.leaked_bytes) == from_bottom) {
        return {"L", Paint::leaked};
    }
    if (point.held_bytes > 0 && marker_row(plot, point.held_bytes) == from_bottom) {
        return {"H", Paint::held};
    }
    const double fill = level_of(plot, point.rss_bytes) - from_bottom;
    if (fill >= 1.0) {
        return {glyph(plot.unicode, "█", "#"), Paint::rss};
    }
    if (plot.unicode && fill >= 0.125) {
        return {eighths[static_cast<std::size_t>(fill * 8) - 1], Paint::rss};
    }
    if (!plot.unicode && fill >= 0.5) {
        return {"#", Paint::rss};
    }
    if (marker_row(plot, point.maxrss_bytes) == from_bottom) {
        return {glyph(plot.unicode, "─", "-"), Paint::maxrss};
    }
    if (point.mark != 0) {
        return {glyph(plot.unicode, "│", "|"), Paint::mark};
    }
    return {" ", Paint::plain};
}

// The y label of a row: the top, the middle, nothing else (0 is on the axis).
void append_label(Line& line, const Plot& plot, int row) {
    const bool labelled = row == 0 || row == plot.rows / 2;
    if (labelled) {
        const auto bytes = static_cast<std::uint64_t>(plot.top_bytes * (plot.rows - row) / plot.rows);
        fmt::format_to(fmt::appender(line), "{:>{}}", format_bytes(bytes), label_width);
        line.append(glyph(plot.unicode, "┤", "+"));
    } else {
        fmt::format_to(fmt::appender(line), "{:>{}}", "", label_width);
        line.append(glyph(plot.unicode, "│", "|"));
    }
}

void append_axis(Rows& rows, const ChartRing& ring, const Plot& plot) {
    Line line;
    fmt::format_to(fmt::appender(line), "{:>{}}", "0", label_width);
    line.append(glyph(plot.unicode, "└", "+"));
    CellRun run(line, plot.color);
    for (int column = 0; column < plot.columns; ++column) {
        const ChartPoint* point = point_at(ring, plot, column);
        if (point != nullptr && point->mark != 0) {
            run.put(std::string_view(&point->mark, 1), Paint::mark);
        } else {
            run.put(glyph(plot.unicode, "─", "-"), Paint::plain);
        }
    }
    run.finish();
    rows.put(line);
}

void append_legend(Rows& rows, const ChartRing& ring, const Plot& plot) {
    Line line;
    fmt::format_to(fmt::appender(line), "{:>{}} ", "", label_width);
    if (plot.points > 0) {
        fmt::format_to(fmt::appender(line), "iterations {}{}{}  ", ring.at_age(plot.points - 1).iteration,
                       glyph(plot.unicode, "–", "-"), ring.at_age(0).iteration);
    }
    // Each series' glyph in its colour, as on the chart.
    const bool color = plot.color;
    const std::string_view key = glyph(plot.unicode, "│", "|");
    append_in(line, glyph(plot.unicode, "█", "#"), Paint::rss, color);
    line.append(std::string_view(" RSS  "));
    append_in(line, glyph(plot.unicode, "─", "-"), Paint::maxrss, color);
    line.append(std::string_view(" max RSS  "));
    append_in(line, "L", Paint::leaked, color);
    line.append(std::string_view(" leaked  "));
    append_in(line, "H", Paint::held, color);
    line.append(std::string_view(" held  "));
    append_in(line, key, Paint::mark, color);
    line.append(std::string_view(" key pressed"));
    rows.put(line);
}

}  // namespace

void append_chart(Rows& rows, const ChartRing& ring, int plot_rows) {
    const Plot plot = plot_of(ring, rows.width(), plot_rows, rows.unicode(), rows.color());
    for (int row = 0; row < plot.rows; ++row) {
        Line line;
        append_label(line, plot, row);
        const int from_bottom = plot.rows - 1 - row;
        CellRun run(line, plot.color);
        for (int column = 0; column < plot.columns; ++column) {
            const ChartPoint* point = point_at(ring, plot, column);
            const Cell shown = point != nullptr ? cell(plot, *point, from_bottom) : Cell{" "};
            run.put(shown.text, shown.paint);
        }
        run.finish();
        rows.put(line);
    }
    append_axis(rows, ring, plot);
    append_legend(rows, ring, plot);
}

}  // namespace leakdemo::frame_detail
