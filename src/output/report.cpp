#include "output/report.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <iterator>

#include "output/human_summary.hpp"
#include "output/output.hpp"
#include "output/report_svg.hpp"
#include "util/error.hpp"
#include "util/units.hpp"
#include "util/version.hpp"

namespace leakdemo {
namespace {

std::string escape(std::string_view text) {
    return escape_html(text);
}

// watch's summary: its rows as watch/ made them, the verdict styled as a run's.
void append_watched_summary(std::string& html, const WatchedProgram& watched) {
    html += fmt::format("<table class=\"summary\" data-series=\"watched\">\n<caption>{}</caption>\n",
                        escape(watched.name));
    for (const auto& [name, value] : watched.summary_rows) {
        html += fmt::format("<tr><th>{}</th><td>{}</td></tr>\n", escape(name), escape(value));
    }
    html += fmt::format("<tr><th>verdict</th><td class=\"verdict {0}\">{0}</td></tr>\n</table>\n",
                        escape(watched.verdict));
}

// A series' name for people: "leak mode", or the watched command.
std::string series_title(const ReportSeries& one) {
    return one.watched ? one.watched->name : fmt::format("{} mode", to_string(one.mode));
}

void append_summary(std::string& html, const ReportSeries& one) {
    if (one.watched) {
        append_watched_summary(html, *one.watched);
        return;
    }
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
    const RssChangeText rss = format_rss_change(s.rss_start_bytes, s.rss_end_bytes);
    row("RSS start → end", fmt::format("{} → {} ({})", rss.start, rss.end, rss.growth));
    row("RSS over the run", s.iterations > 0 ? describe_rss_shape(s) : std::string("-"));
    row("page faults",
        fmt::format("{:.1f} minor per block ({} in all)", s.minor_faults_per_block, s.minor_faults));
    row("peak (VmHWM)", s.hwm_bytes ? format_bytes(*s.hwm_bytes) : std::string("unknown"));
    row("max RSS (ru_maxrss, a high-water mark)", format_bytes(s.maxrss_bytes));
    row("elapsed", fmt::format("{:.2f} s", s.elapsed_s));
    row("stopped", std::string(to_string(s.stop_reason)));
    html += fmt::format("<tr><th>verdict</th><td class=\"verdict {0}\">{0}</td></tr>\n</table>\n",
                        to_string(s.verdict));
}

// A long run is drawn from buckets of consecutive samples: say so, with how many.
void append_bucket_note(std::string& html, std::span<const ReportSeries> series) {
    for (const ReportSeries& one : series) {
        if (one.samples.bucket_samples() > 1) {
            html += fmt::format(
                "<p class=\"buckets\" data-series=\"{0}\">{1}: {2} samples in {3} points; each point "
                "is the highest value of up to {4} consecutive samples, the pale band runs from their lowest "
                "to their highest, so every peak is drawn exactly.</p>\n",
                series_key(one), escape(series_title(one)), one.samples.samples(),
                one.samples.buckets().size(), one.samples.bucket_samples());
        }
    }
}

// The --explain notes kept for the report (the first ones), and how many more there were.
void append_notes(std::string& html, const ReportSeries& one) {
    html += fmt::format("<h3>{}</h3>\n", escape(series_title(one)));
    if (one.notes.empty()) {
        html +=
            "<p class=\"no-notes\">No notes: run with --explain to have each measured event "
            "explained.</p>\n";
        return;
    }
    html += fmt::format("<ol class=\"notes\" data-series=\"{}\">\n", series_key(one));
    const std::string_view counted = one.watched ? "sample" : "iteration";
    for (const Note& note : one.notes.kept()) {
        html += fmt::format("<li><span class=\"iteration\">{} {}:</span> {}</li>\n", counted, note.iteration,
                            escape(note.text));
    }
    html += "</ol>\n";
    if (one.notes.dropped() > 0) {
        html += fmt::format(
            "<p class=\"notes-dropped\" data-series=\"{}\">and {} more notes, not kept: the report keeps "
            "the first {}.</p>\n",
            series_key(one), one.notes.dropped(), one.notes.kept().size());
    }
}

// `leakdemo live`'s key presses, in order, and how many more there were than the report keeps.
void append_marks(std::string& html, const ReportSeries& one) {
    if (one.marks.empty()) {
        return;
    }
    html += "<h2>Key presses</h2>\n<ol class=\"marks\">\n";
    for (const Note& mark : one.marks.kept()) {
        html += fmt::format("<li><span class=\"iteration\">after iteration {}:</span> {}</li>\n",
                            mark.iteration, escape(mark.text));
    }
    html += "</ol>\n";
    if (one.marks.dropped() > 0) {
        html += fmt::format(
            "<p class=\"marks-dropped\">and {} more key presses, not kept: the report keeps the first "
            "{}.</p>\n",
            one.marks.dropped(), one.marks.kept().size());
    }
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
svg circle.point { stroke: none; }
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
    std::string modes;  // "leak", "leak vs free", or "watch COMMAND"
    for (const ReportSeries& one : series) {
        modes += modes.empty() ? "" : " vs ";
        modes += one.watched ? "watch " + one.watched->name : std::string(to_string(one.mode));
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

    html += fmt::format("<h2>Memory by {}</h2>\n", x_axis_name(series));
    append_svg_chart(html, series);
    append_bucket_note(html, series);

    html += "<h2>Summary</h2>\n";
    for (const ReportSeries& one : series) {
        append_summary(html, one);
    }

    html += "<h2>What happened</h2>\n";
    for (const ReportSeries& one : series) {
        append_notes(html, one);
    }
    for (const ReportSeries& one : series) {
        append_marks(html, one);
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
