#include "output/report.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <iterator>

#include "output/chart.hpp"
#include "output/output.hpp"
#include "util/units.hpp"
#include "util/version.hpp"

namespace leakdemo {
namespace {

// Text for HTML/XML content and attribute values.
std::string escape(std::string_view text) {
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

// Drawn against iteration. The third line is what the mode keeps: unreachable bytes, or held ones for hold.
struct Metric {
    std::string_view key;    // data-metric
    std::string_view label;  // legend
    std::string_view dash;   // stroke-dasharray, so lines differ without colour too
};

constexpr Metric rss_metric{"rss", "RSS", ""};
constexpr Metric maxrss_metric{"maxrss", "max RSS", "10 5"};
constexpr Metric leaked_metric{"leaked", "leaked", "2 5"};
constexpr Metric held_metric{"held", "held", "2 5"};

const Metric& kept_metric(Mode mode) {
    return mode == Mode::hold ? held_metric : leaked_metric;
}

std::uint64_t value_of(const Record& record, const Metric& metric) {
    if (metric.key == rss_metric.key) {
        return record.sample.rss_bytes;
    }
    if (metric.key == maxrss_metric.key) {
        return record.sample.maxrss_bytes;
    }
    if (metric.key == held_metric.key) {
        return record.counters.outstanding_bytes - record.counters.leaked_bytes;
    }
    return record.counters.leaked_bytes;
}

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
    std::size_t samples = 0;  // of the longest series

    static constexpr double plot_w = chart_width - left - right;
    static constexpr double plot_h = chart_height - top_margin - bottom;

    double x_of(std::uint64_t iteration) const {
        return left + plot_w * static_cast<double>(iteration) / static_cast<double>(last_iteration);
    }
    double y_of(std::uint64_t bytes) const {
        return top_margin + plot_h * (1.0 - static_cast<double>(bytes) / static_cast<double>(y_top));
    }
};

// The three metrics drawn for a run: RSS, max RSS and what its mode keeps.
std::array<const Metric*, 3> metrics_of(Mode mode) {
    return {&rss_metric, &maxrss_metric, &kept_metric(mode)};
}

// One colour per metric for a single run, one per series for compare.
std::string_view colour_of(std::span<const ReportSeries> series, std::size_t s, std::size_t m) {
    return series.size() == 1 ? metric_colours[m] : series_colours[s % series_colours.size()];
}

ChartScale scale_of(std::span<const ReportSeries> series) {
    ChartScale scale;
    std::uint64_t top_bytes = 1;
    for (const ReportSeries& one : series) {
        scale.samples = std::max(scale.samples, one.records.size());
        for (const Record& record : one.records) {
            scale.last_iteration = std::max(scale.last_iteration, record.iteration);
            for (const Metric* metric : metrics_of(one.mode)) {
                top_bytes = std::max(top_bytes, value_of(record, *metric));
            }
        }
    }
    scale.y_step = axis_step_bytes(top_bytes, 6);
    scale.y_top = ((top_bytes + scale.y_step - 1) / scale.y_step) * scale.y_step;
    return scale;
}

// Grid and y labels in human units, x ticks at round iterations, both axes and their titles.
void append_axes(std::string& html, const ChartScale& scale) {
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
    fmt::format_to(
        out, "<text class=\"axis-title\" x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"middle\">iteration</text>\n",
        left + plot_w / 2, chart_height - 12);
    fmt::format_to(out,
                   "<text class=\"axis-title\" transform=\"rotate(-90)\" x=\"{:.1f}\" y=\"16\" "
                   "text-anchor=\"middle\">memory (binary units)</text>\n",
                   -(top_margin + plot_h / 2));
}

// Per series and metric: a line, then one point per sample.
void append_lines(std::string& html, std::span<const ReportSeries> series, const ChartScale& scale) {
    auto out = std::back_inserter(html);
    const double radius =
        std::clamp(300.0 / static_cast<double>(std::max<std::size_t>(scale.samples, 1)), 1.5, 4.5);
    for (std::size_t s = 0; s < series.size(); ++s) {
        const ReportSeries& one = series[s];
        const std::string mode(to_string(one.mode));
        const auto metrics = metrics_of(one.mode);
        for (std::size_t m = 0; m < metrics.size(); ++m) {
            const Metric& metric = *metrics[m];
            const std::string_view colour = colour_of(series, s, m);
            html += fmt::format(
                "<g class=\"series\" data-series=\"{}\" data-metric=\"{}\" stroke=\"{}\" fill=\"{}\">\n",
                escape(mode), metric.key, colour, colour);
            html += "<polyline class=\"line\" fill=\"none\" stroke-width=\"2.5\"";
            if (!metric.dash.empty()) {
                fmt::format_to(out, " stroke-dasharray=\"{}\"", metric.dash);
            }
            html += " points=\"";
            for (const Record& record : one.records) {
                fmt::format_to(out, "{:.1f},{:.1f} ", scale.x_of(record.iteration),
                               scale.y_of(value_of(record, metric)));
            }
            html += "\"/>\n";
            for (const Record& record : one.records) {
                fmt::format_to(
                    out,
                    "<circle class=\"point\" data-series=\"{}\" data-metric=\"{}\" data-iteration=\"{}\" "
                    "cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"{:.1f}\" stroke=\"none\"/>\n",
                    escape(mode), metric.key, record.iteration, scale.x_of(record.iteration),
                    scale.y_of(value_of(record, metric)), radius);
            }
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
        const auto metrics = metrics_of(one.mode);
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
                           x + 48, y, escape(std::string(to_string(one.mode))), metric.label);
        }
    }
}

void append_chart(std::string& html, std::span<const ReportSeries> series) {
    const ChartScale scale = scale_of(series);
    const std::size_t legend_rows = (series.size() * 3 + legend_per_row - 1) / legend_per_row;
    const double svg_height = chart_height + 28.0 * static_cast<double>(legend_rows) + 8;
    fmt::format_to(std::back_inserter(html),
                   "<svg class=\"chart\" viewBox=\"0 0 {0} {1}\" width=\"{0}\" height=\"{1}\" role=\"img\" "
                   "aria-label=\"RSS, max RSS and leaked bytes against iteration\">\n",
                   chart_width, svg_height);
    append_axes(html, scale);
    append_lines(html, series, scale);
    append_legend(html, series);
    html += "</svg>\n";
}

void append_summary(std::string& html, const ReportSeries& one) {
    if (!one.summary) {
        html += fmt::format(
            "<p class=\"summary missing\" data-series=\"{0}\">{0} mode: no summary (the run ended "
            "before it could report one)</p>\n",
            to_string(one.mode));
        return;
    }
    const Summary& s = *one.summary;
    auto row = [&html](std::string_view name, const std::string& value) {
        html += fmt::format("<tr><th>{}</th><td>{}</td></tr>\n", name, escape(value));
    };
    html += fmt::format("<table class=\"summary\" data-series=\"{}\">\n<caption>{} mode</caption>\n",
                        to_string(one.mode), to_string(one.mode));
    row("iterations", fmt::format("{} of {}", s.iterations, format_bytes(s.block_bytes)));
    row("requested", format_bytes(s.requested_bytes));
    row("leaked (unreachable)", format_bytes(s.leaked_bytes));
    row("held (reachable)", format_bytes(s.outstanding_bytes - s.leaked_bytes));
    row("RSS start → end",
        fmt::format("{} → {} ({})", format_bytes(s.rss_start_bytes), format_bytes(s.rss_end_bytes),
                    format_signed_bytes(s.rss_growth_bytes)));
    row("RSS growth per iteration", format_signed_bytes(std::isfinite(s.rss_growth_per_iteration_bytes)
                                                            ? std::llround(s.rss_growth_per_iteration_bytes)
                                                            : 0));
    row("peak (VmHWM)", s.hwm_bytes ? format_bytes(*s.hwm_bytes) : std::string("unknown"));
    row("max RSS (ru_maxrss, a high-water mark)", format_bytes(s.maxrss_bytes));
    row("elapsed", fmt::format("{:.2f} s", s.elapsed_s));
    row("stopped", std::string(to_string(s.stop_reason)));
    html += fmt::format("<tr><th>verdict</th><td class=\"verdict {0}\">{0}</td></tr>\n</table>\n",
                        to_string(s.verdict));
}

constexpr std::string_view style_sheet = R"(
body { font-family: sans-serif; font-size: 18px; color: #1a1a1a; background: #ffffff; margin: 24px 40px; max-width: 1040px; }
h1 { font-size: 30px; margin: 0 0 12px 0; }
h2 { font-size: 22px; margin: 28px 0 8px 0; border-bottom: 2px solid #d0d0d0; }
table { border-collapse: collapse; margin: 4px 24px 12px 0; display: inline-table; vertical-align: top; }
caption { font-weight: bold; text-align: left; padding: 4px 0; }
th, td { text-align: left; padding: 3px 14px 3px 0; border-bottom: 1px solid #e4e4e4; }
th { font-weight: normal; color: #555555; }
.verdict.leaking { color: #c4162a; font-weight: bold; }
.verdict.stable { color: #2a7d3a; font-weight: bold; }
svg.chart { background: #fcfcfc; border: 1px solid #d8d8d8; max-width: 100%; height: auto; }
svg .grid { stroke: #e2e2e2; stroke-width: 1; }
svg .axis, svg .tick-mark { stroke: #444444; stroke-width: 1.5; }
svg text { font-family: sans-serif; fill: #222222; }
svg .tick { font-size: 15px; }
svg .axis-title { font-size: 17px; }
svg .legend-label { font-size: 17px; }
ol.notes li { margin: 4px 0; }
.iteration { color: #555555; font-variant-numeric: tabular-nums; }
footer { margin-top: 28px; color: #777777; font-size: 14px; }
)";

}  // namespace

std::string render_html_report(std::span<const ReportParameter> parameters,
                               std::span<const ReportSeries> series) {
    std::string modes;
    for (const ReportSeries& one : series) {
        modes += modes.empty() ? "" : " vs ";
        modes += to_string(one.mode);
    }
    std::string html = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n";
    html += fmt::format("<title>leakdemo report: {}</title>\n<style>{}</style>\n</head>\n<body>\n",
                        escape(modes), style_sheet);
    html += fmt::format("<h1>leakdemo: {}</h1>\n", escape(modes));

    // Two parameters a row: the chart stays on the first screen of a projector.
    html += "<h2>Parameters</h2>\n<table class=\"parameters\">\n";
    for (std::size_t i = 0; i < parameters.size(); i += 2) {
        html += "<tr>";
        for (std::size_t j = i; j < std::min(i + 2, parameters.size()); ++j) {
            html += fmt::format("<th>{}</th><td>{}</td>", escape(parameters[j].name),
                                escape(parameters[j].value));
        }
        html += "</tr>\n";
    }
    html += "</table>\n";

    html += "<h2>Memory by iteration</h2>\n";
    append_chart(html, series);

    html += "<h2>Summary</h2>\n";
    for (const ReportSeries& one : series) {
        append_summary(html, one);
    }

    html += "<h2>What happened</h2>\n";
    for (const ReportSeries& one : series) {
        html += fmt::format("<h3>{} mode</h3>\n", to_string(one.mode));
        if (one.notes.empty()) {
            html +=
                "<p class=\"no-notes\">No notes: run with --explain to have each measured event "
                "explained.</p>\n";
            continue;
        }
        html += fmt::format("<ol class=\"notes\" data-series=\"{}\">\n", to_string(one.mode));
        for (const Note& note : one.notes) {
            html += fmt::format("<li><span class=\"iteration\">iteration {}:</span> {}</li>\n",
                                note.iteration, escape(note.text));
        }
        html += "</ol>\n";
    }
    html += fmt::format("<footer>Made by leakdemo {} from its own measurements.</footer>\n</body>\n</html>\n",
                        LEAKDEMO_VERSION);
    return html;
}

void write_html_report(SafeFile& file, std::span<const ReportParameter> parameters,
                       std::span<const ReportSeries> series) {
    LineWriter(file.fd()).write_line(render_html_report(parameters, series));
    file.commit();
}

}  // namespace leakdemo
