#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "util/expected.hpp"

namespace leakdemo {

// Sizes: plain bytes ("4096000") or a number with a unit, case-insensitive:
// B; as GNU coreutils read them, K, M, G, T alone and KiB, MiB, GiB, TiB are binary (1M = 1MiB = 2^20),
// KB, MB, GB, TB are decimal (1MB = 10^6). A decimal fraction is allowed
// with a unit ("1.5MiB"); the result is rounded down to whole bytes. Strict decimal: no sign, no hex.
Expected<std::uint64_t> parse_size(std::string_view text);

// Durations: "0", a plain number of seconds ("2", "1.5"), or with a unit: ns, us, ms, s, m, h ("250ms").
// At most 24 hours: a longer interval is a typo, not a demo.
Expected<std::chrono::nanoseconds> parse_duration(std::string_view text);

// A positive whole count ("10", "1000"); no sign, no exponent.
Expected<std::uint64_t> parse_count(std::string_view text);

// Human units for people (binary: KiB, MiB, GiB), e.g. "3.9 MiB", "512 B".
std::string format_bytes(std::uint64_t bytes);
// Signed change, e.g. "+3.9 MiB", "-4.0 KiB", "0 B".
std::string format_signed_bytes(std::int64_t bytes);
// "250ms", "1.5s", "2m" style: a duration as the flags read it (parse_duration), for --help defaults,
// echoed settings and the interval; not for measured spans of time (the two below).
std::string format_duration(std::chrono::nanoseconds duration);

// A span of time in words, the one wording of every sentence and summary (times to the limit, live's
// header): "0 s", "59 s", "1 min 1 s", "59 min 59 s", "1 h 5 min", "1 d", "3,652 d 12 h". Rounded to the
// smaller of its two units, which is left out when 0; negative or NaN reads "0 s".
std::string format_duration_words(double seconds);

// The same span in at most 6 columns (up to 99,999 days), for narrow cells and status lines, without
// allocating: "12.3s", "4m05s", "2h03m", "3d04h", "3652d".
struct CompactDuration {
    std::array<char, 24> text{};
    std::size_t size = 0;
    std::string_view view() const { return {text.data(), size}; }
};
CompactDuration format_duration_compact(std::int64_t ns);

}  // namespace leakdemo
