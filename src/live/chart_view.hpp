#pragma once

#include "live/chart_ring.hpp"
#include "live/frame_rows.hpp"

namespace leakdemo::frame_detail {

// The chart: `plot_rows` rows of RSS bars (Unicode eighth blocks, or '#'), the max RSS where it is above
// RSS ('─' or '-'), the leaked and held bytes as 'L' and 'H', a key pressed after a sample as a vertical
// line over its column and the key under it on the axis; newest sample on the right once the width is
// full. Then the axis and a legend: plot_rows + 2 rows.
void append_chart(Rows& rows, const ChartRing& ring, int plot_rows);

}  // namespace leakdemo::frame_detail
