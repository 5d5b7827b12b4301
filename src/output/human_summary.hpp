#pragma once

#include <string>

#include "measure/summary.hpp"

namespace leakdemo {

// The summary for people, several lines, for stderr (or stdout with --summary-only); the verdict in red
// or green when `color`.
std::string format_human_summary(const Summary& summary, bool color);

}  // namespace leakdemo
