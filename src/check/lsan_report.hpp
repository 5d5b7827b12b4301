#pragma once

#include <cstdint>
#include <string_view>

#include "util/expected.hpp"

namespace leakdemo {

// What LeakSanitizer (gcc 12's liblsan, or ASan's) reported: every "Direct leak of N byte(s) in M
// object(s)" and "Indirect leak of ..." line summed. An empty report (no leak found) is all zeros.
struct LsanFigures {
    std::uint64_t direct_bytes = 0;
    std::uint64_t direct_blocks = 0;
    std::uint64_t indirect_bytes = 0;
    std::uint64_t indirect_blocks = 0;
    friend bool operator==(const LsanFigures&, const LsanFigures&) = default;
};

// Fails when the report is cut short: a "detected memory leaks" header without its SUMMARY line, or a
// SUMMARY whose totals differ from the sum of the leak lines.
Expected<LsanFigures> parse_lsan_report(std::string_view report);

}  // namespace leakdemo
