#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "measure/summary.hpp"

namespace leakdemo {

// The summary for people, several lines, for stderr (or stdout with --summary-only); the verdict in red
// or green when `color`.
std::string format_human_summary(const Summary& summary, bool color);

// A time to the limit in words: "45 s", "3 min 20 s", "2 h 5 min", "more than a day".
std::string format_eta_words(double seconds);

// The summary's line for the time to the limit: "  budget       1.0 GiB; at this rate it is reached in
// 3 min 20 s\n", "... RSS is not growing\n", or nothing without a budget.
std::string format_budget_line(std::optional<std::uint64_t> budget_bytes, std::optional<double> eta_s);

}  // namespace leakdemo
