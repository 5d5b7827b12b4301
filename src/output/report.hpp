#pragma once

#include <span>
#include <string>
#include <vector>

#include "output/safe_file.hpp"
#include "output/series.hpp"

namespace leakdemo {

// One line of the report's "Parameters" table.
struct ReportParameter {
    std::string name;
    std::string value;
};

// --report: one self-contained HTML page (inline CSS and SVG; no script, no font, no URL of any kind, so it
// works offline from a USB stick): the parameters, an SVG line chart of RSS, max RSS and leaked (held for
// hold mode) bytes against iteration for every series, the summaries and the --explain notes.
// Each series is drawn from its buckets (bounded_series.hpp): every bucket is an element `<circle
// class="point" data-series="MODE" data-metric="rss|maxrss|leaked|held" data-iteration="LAST"
// data-bytes="HIGHEST">` at its highest value (one per sample while a bucket holds one), and every legend
// entry a `<text class="legend-label">`, so a browser test can count them. Well-formed XML; about 1 MB for a
// run of any length.
std::string render_html_report(std::span<const ReportParameter> parameters,
                               std::span<const ReportSeries> series);

// Writes render_html_report() into `file`'s temporary file and renames it into place, so a reader never
// sees half a report (output/safe_file.hpp). Throws Error with the system's reason.
void write_html_report(SafeFile& file, std::span<const ReportParameter> parameters,
                       std::span<const ReportSeries> series);

}  // namespace leakdemo
