#pragma once

// The SVG chart of the HTML report (report.cpp): RSS, max RSS and what the mode keeps, against iteration,
// for every series, drawn from its buckets (bounded_series.hpp).

#include <span>
#include <string>
#include <string_view>

#include "output/series.hpp"

namespace leakdemo {

// Text for HTML/XML content and attribute values.
std::string escape_html(std::string_view text);

// Appends the <svg> element: axes, per series and metric a line through each bucket's highest value (a band
// to its lowest when a bucket holds several samples) and a `<circle class="point">` per bucket, the legend.
void append_svg_chart(std::string& html, std::span<const ReportSeries> series);

}  // namespace leakdemo
