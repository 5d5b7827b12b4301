#include "output/report_svg.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <iterator>

#include "output/chart.hpp"
#include "util/units.hpp"

namespace leakdemo {

std::string escape_html(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (const char c : text) {
        switch (c) {
            case '&':
                out += "&amp;";
                break;
            case '<':
                out += "&lt;";
                break;
            case '>':
                out += "&gt;";
                break;
            case '"':
                out += "&quot;";
                break;
            default:
                out += c;
        }
    }
    return out;
}

namespace {

std::string escape(std::string_view text) {
    return escape_html(text);
}

// Drawn against iteration. The third line is what the mode keeps: unreachable bytes, or held ones for hold.
struct Metric {
    std::string_view key;    // data-metric
    std::string_view label;  // legend
    std::string_view dash;   // stroke-dasharray, so lines differ without colour too
    Figure figure;           // what a bucket keeps of it
};

constexpr Metric rss_metric{"rss", "RSS", "", Figure::rss};
constexpr Metric maxrss_metric{"maxrss", "max RSS", "10 5", Figure::maxrss};
constexpr Metric leaked_metric{"leaked", "leaked", "2 5", Figure::leaked};
constexpr Metric held_metric{"held", "held", "2 5", Figure::held};
// watch: the tree's summed VmHWM, kept in the bucket's max RSS figure (watch/watch_output.cpp).
constexpr Metric hwm_metric{"hwm", "VmHWM (sum)", "10 5", Figure::maxrss};

constexpr std::array<const Metric*, 3> leak_metrics{&rss_metric, &maxrss_metric, &leaked_metric};
constexpr std::array<const Metric*, 3> hold_metrics{&rss_metric, &maxrss_metric, &held_metric};
constexpr std::array<const Metric*, 2> watched_metrics{&rss_metric, &hwm_metric};

// Colours readable on a projector: one per metric for a single run, one per series for compare.
constexpr std::array<std::string_view, 3> metric_colours{"#1f5fbf", "#e07b00", "#c4162a"};
constexpr std::array<std::string_view, 4> series_colours{"#1f5fbf", "#2a9d3a", "#8a3ab9", "#c4162a"};

// A round step (1, 2 or 5 times a power of ten) giving at most `max_ticks` ticks up to `top`.
double nice_step(double top, int max_ticks) {
    const double raw = std::max(top / max_ticks, 1e-9);
    const double power = std::pow(10.0, std::floor(std::log10(raw)));
    for (const double factor : {1.0, 2.0, 5.0, 10.0}) {
        if (factor * power >= raw) {
            return factor * power;
        }
    }
    return 10.0 * power;
}

constexpr double chart_width = 960;
constexpr double chart_height = 460;
constexpr double left = 96;
constexpr double right = 24;
constexpr double top_margin = 20;
constexpr double bottom = 64;

// Where a value lands in the SVG: iterations along x, bytes up y (a whole number of round steps).
struct ChartScale {
    std::uint64_t last_iteration = 1;
    std::uint64_t y_step = 1;
    std::uint64_t y_top = 1;
    std::size_t samples = 0;  // buckets of the longest series

    static constexpr double plot_w = chart_width - left - right;
    static constexpr double plot_h = chart_height - top_margin - bottom;

    double x_of(std::uint64_t iteration) const {
        return left + plot_w * static_cast<double>(iteration) / static_cast<double>(last_iteration);
    }
    double y_of(std::uint64_t bytes) const {
        return top_margin + plot_h * (1.0 - static_cast<double>(bytes) / static_cast<double>(y_top));
    }
};

// The metrics drawn for a run: RSS, max RSS and what its mode keeps; for watch RSS and VmHWM (it knows no
// leaked bytes).
std::span<const Metric* const> metrics_of(const ReportSeries& one) {
    if (one.watched) {
        return watched_metrics;
    }
    return one.mode == Mode::hold ? std::span<const Metric* const>(hold_metrics) : leak_metrics;
}

// One colour per metric for a single run, one per series for compare.
std::string_view colour_of(std::span<const ReportSeries> series, std::size_t s, std::size_t m) {
    return series.size() == 1 ? metric_colours[m] : series_colours[s % series_colours.size()];
}

ChartScale scale_of(std::span<const ReportSeries> series) {
    ChartScale scale;
    std::uint64_t top_bytes = 1;
    for (const ReportSeries& one : series) {
        scale.samples = std::max(scale.samples, one.samples.buckets().size());
        for (const Bucket& bucket : one.samples.buckets()) {
            scale.last_iteration = std::max(scale.last_iteration, bucket.last_iteration);
            for (const Metric* metric : metrics_of(one)) {
                top_bytes = std::max(top_bytes, bucket.max[metric->figure]);
            }
        }
    }
    scale.y_step = axis_step_bytes(top_bytes, 6);
    scale.y_top = ((top_bytes + scale.y_step - 1) / scale.y_step) * scale.y_step;
    return scale;
}

// Grid and y labels in human units, x ticks at round iterations, both axes and their titles.
void append_axes(std::string& html, const ChartScale& scale, std::string_view x_title) {
    auto out = std::back_inserter(html);
    constexpr double plot_w = ChartScale::plot_w;
    constexpr double plot_h = ChartScale::plot_h;
    for (std::uint64_t bytes = 0; bytes <= scale.y_top; bytes += scale.y_step) {
        const double y = scale.y_of(bytes);
        fmt::format_to(out, "<line class=\"grid\" x1=\"{}\" y1=\"{:.1f}\" x2=\"{}\" y2=\"{:.1f}\"/>\n", left,
                       y, chart_width - right, y);
        fmt::format_to(out, "<text class=\"tick\" x=\"{}\" y=\"{:.1f}\" text-anchor=\"end\">{}</text>\n",
                       left - 8, y + 5, escape(format_bytes(bytes)));
    }
    const double x_step = nice_step(static_cast<double>(scale.last_iteration), 10);
    for (double iteration = 0; iteration <= static_cast<double>(scale.last_iteration) + 1e-9;
         iteration += x_step) {
        const double x = scale.x_of(static_cast<std::uint64_t>(iteration));
        fmt::format_to(
            out, "<line class=\"tick-mark\" x1=\"{0:.1f}\" y1=\"{1:.1f}\" x2=\"{0:.1f}\" y2=\"{2:.1f}\"/>\n",
            x, top_margin + plot_h, top_margin + plot_h + 6);
        fmt::format_to(out,
                       "<text class=\"tick\" x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"middle\">{}</text>\n", x,
                       top_margin + plot_h + 24, static_cast<std::uint64_t>(iteration));
    }
    fmt::format_to(out, "<line class=\"axis\" x1=\"{0}\" y1=\"{1}\" x2=\"{0}\" y2=\"{2}\"/>\n", left,
                   top_margin, top_margin + plot_h);
    fmt::format_to(out, "<line class=\"axis\" x1=\"{0}\" y1=\"{1}\" x2=\"{2}\" y2=\"{1}\"/>\n", left,
                   top_margin + plot_h, chart_width - right);
    fmt::format_to(out,
                   "<text class=\"axis-title\" x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"middle\">{}</text>\n",
                   left + plot_w / 2, chart_height - 12, x_title);
    fmt::format_to(out,
                   "<text class=\"axis-title\" transform=\"rotate(-90)\" x=\"{:.1f}\" y=\"16\" "
                   "text-anchor=\"middle\">memory (binary units)</text>\n",
                   -(top_margin + plot_h / 2));
}

// Where several samples share a bucket: the band from each bucket's lowest to its highest value, so the
// shape between the plotted highs is not hidden.
void append_range(std::string& html, std::span<const Bucket> buckets, const Metric& metric,
                  const ChartScale& scale) {
    auto out = std::back_inserter(html);
    html += "<polygon class=\"range\" stroke=\"none\" fill-opacity=\"0.25\" points=\"";
    for (const Bucket& bucket : buckets) {
        fmt::format_to(out, "{:.1f},{:.1f} ", scale.x_of(bucket.last_iteration),
                       scale.y_of(bucket.max[metric.figure]));
    }
    for (auto bucket = buckets.rbegin(); bucket != buckets.rend(); ++bucket) {
        fmt::format_to(out, "{:.1f},{:.1f} ", scale.x_of(bucket->last_iteration),
                       scale.y_of(bucket->min[metric.figure]));
    }
    html += "\"/>\n";
}

// One metric of one series: the range band (buckets of several samples only), the line through each
// bucket's highest value, and a point there per bucket (its data-bytes is the value, exact).
void append_metric(std::string& html, const ReportSeries& one, const Metric& metric, const ChartScale& scale,
                   double radius) {
    auto out = std::back_inserter(html);
    const std::span<const Bucket> buckets = one.samples.buckets();
    if (one.samples.bucket_samples() > 1) {
        append_range(html, buckets, metric, scale);
    }
    html += "<polyline class=\"line\" fill=\"none\" stroke-width=\"2.5\"";
    if (!metric.dash.empty()) {
        fmt::format_to(out, " stroke-dasharray=\"{}\"", metric.dash);
    }
    html += " points=\"";
    for (const Bucket& bucket : buckets) {
        fmt::format_to(out, "{:.1f},{:.1f} ", scale.x_of(bucket.last_iteration),
                       scale.y_of(bucket.max[metric.figure]));
    }
    html += "\"/>\n";
    const std::string mode = escape(series_key(one));
    for (const Bucket& bucket : buckets) {
        fmt::format_to(out,
                       "<circle class=\"point\" data-series=\"{}\" data-metric=\"{}\" data-iteration=\"{}\" "
                       "data-bytes=\"{}\" cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"{:.1f}\"/>\n",
                       mode, metric.key, bucket.last_iteration, bucket.max[metric.figure],
                       scale.x_of(bucket.last_iteration), scale.y_of(bucket.max[metric.figure]), radius);
    }
}

// Per series and metric, in a group that carries its colour.
void append_lines(std::string& html, std::span<const ReportSeries> series, const ChartScale& scale) {
    const double radius =
        std::clamp(300.0 / static_cast<double>(std::max<std::size_t>(scale.samples, 1)), 1.5, 4.5);
    for (std::size_t s = 0; s < series.size(); ++s) {
        const ReportSeries& one = series[s];
        const auto metrics = metrics_of(one);
        for (std::size_t m = 0; m < metrics.size(); ++m) {
            const std::string_view colour = colour_of(series, s, m);
            html += fmt::format(
                "<g class=\"series\" data-series=\"{}\" data-metric=\"{}\" stroke=\"{}\" fill=\"{}\">\n",
                escape(series_key(one)), metrics[m]->key, colour, colour);
            append_metric(html, one, *metrics[m], scale, radius);
            html += "</g>\n";
        }
    }
}

// The legend goes under the plot, three entries a row, so it never hides a line.
constexpr std::size_t legend_per_row = 3;

// A line sample and its label per series and metric.
void append_legend(std::string& html, std::span<const ReportSeries> series) {
    auto out = std::back_inserter(html);
    std::size_t entry = 0;
    for (std::size_t s = 0; s < series.size(); ++s) {
        const ReportSeries& one = series[s];
        const auto metrics = metrics_of(one);
        for (std::size_t m = 0; m < metrics.size(); ++m) {
            const Metric& metric = *metrics[m];
            const double x = left + 290.0 * static_cast<double>(entry % legend_per_row);
            const double y = chart_height + 20 + 28.0 * static_cast<double>(entry / legend_per_row);
            ++entry;
            fmt::format_to(out,
                           "<line class=\"legend-line\" x1=\"{0}\" y1=\"{1:.1f}\" x2=\"{2}\" y2=\"{1:.1f}\" "
                           "stroke=\"{3}\" stroke-width=\"3\"",
                           x, y - 6, x + 40, colour_of(series, s, m));
            if (!metric.dash.empty()) {
                fmt::format_to(out, " stroke-dasharray=\"{}\"", metric.dash);
            }
            fmt::format_to(out, "/>\n<text class=\"legend-label\" x=\"{}\" y=\"{:.1f}\">{}: {}</text>\n",
                           x + 48, y, escape(series_key(one)), metric.label);
        }
    }
}

// `leakdemo live`'s key presses: a dashed vertical line at the iteration each came after, labelled with the
// key (the text before the colon of "h: hold mode from iteration 12 on").
void append_marks(std::string& html, std::span<const ReportSeries> series, const ChartScale& scale) {
    auto out = std::back_inserter(html);
    for (const ReportSeries& one : series) {
        for (const Note& mark : one.marks.kept()) {
            const double x = scale.x_of(mark.iteration);
            const std::string_view text = mark.text;
            fmt::format_to(
                out,
                "<line class=\"mark\" data-iteration=\"{0}\" x1=\"{1:.1f}\" y1=\"{2}\" "
                "x2=\"{1:.1f}\" y2=\"{3}\" stroke=\"#777777\" stroke-dasharray=\"3 3\"/>\n"
                "<text class=\"mark-label\" x=\"{1:.1f}\" y=\"{4}\" text-anchor=\"middle\">{5}</text>\n",
                mark.iteration, x, top_margin, top_margin + ChartScale::plot_h, top_margin - 4,
                escape(text.substr(0, text.find(':'))));
        }
    }
}

}  // namespace

void append_svg_chart(std::string& html, std::span<const ReportSeries> series) {
    const ChartScale scale = scale_of(series);
    std::size_t entries = 0;
    for (const ReportSeries& one : series) {
        entries += metrics_of(one).size();
    }
    const std::size_t legend_rows = (entries + legend_per_row - 1) / legend_per_row;
    const bool watched = !series.empty() && series.front().watched;
    const double svg_height = chart_height + 28.0 * static_cast<double>(legend_rows) + 8;
    fmt::format_to(std::back_inserter(html),
                   "<svg class=\"chart\" viewBox=\"0 0 {0} {1}\" width=\"{0}\" height=\"{1}\" role=\"img\" "
                   "aria-label=\"{2} against {3}\">\n",
                   chart_width, svg_height, watched ? "RSS and VmHWM" : "RSS, max RSS and leaked bytes",
                   x_axis_name(series));
    append_axes(html, scale, x_axis_name(series));
    append_lines(html, series, scale);
    append_marks(html, series, scale);
    append_legend(html, series);
    html += "</svg>\n";
}

}  // namespace leakdemo
