#include "util/units.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <limits>

namespace leakdemo {
namespace {

std::string_view trim(std::string_view text) {
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front())) != 0) {
        text.remove_prefix(1);
    }
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back())) != 0) {
        text.remove_suffix(1);
    }
    return text;
}

std::string lower(std::string_view text) {
    std::string result(text);
    for (char& c : result) {
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    return result;
}

// A non-negative decimal number split into its whole and fractional digits, then the unit text.
struct DecimalNumber {
    std::string_view whole;
    std::string_view fraction;
    std::string_view unit;
};

std::optional<DecimalNumber> split_number(std::string_view text) {
    DecimalNumber number;
    std::size_t pos = 0;
    while (pos < text.size() && std::isdigit(static_cast<unsigned char>(text[pos])) != 0) {
        ++pos;
    }
    number.whole = text.substr(0, pos);
    if (pos < text.size() && text[pos] == '.') {
        const std::size_t start = ++pos;
        while (pos < text.size() && std::isdigit(static_cast<unsigned char>(text[pos])) != 0) {
            ++pos;
        }
        number.fraction = text.substr(start, pos - start);
        if (number.fraction.empty()) {
            return std::nullopt;
        }
    }
    if (number.whole.empty() && number.fraction.empty()) {
        return std::nullopt;
    }
    number.unit = trim(text.substr(pos));
    return number;
}

// whole.fraction * factor, exactly, rounded down to a whole number; nullopt on overflow.
// 128-bit arithmetic keeps "1.5MiB" and "0.25s" exact without floating point.
__extension__ typedef unsigned __int128 uint128;

std::optional<std::uint64_t> scale(const DecimalNumber& number, std::uint64_t factor) {
    constexpr auto max = std::numeric_limits<std::uint64_t>::max();
    uint128 whole = 0;
    for (char digit : number.whole) {
        whole = whole * 10 + static_cast<uint128>(digit - '0');
        if (whole > max) {
            return std::nullopt;
        }
    }
    // Digits past the 18th cannot change a whole number of bytes or nanoseconds (factor < 10^18).
    const std::string_view fraction = number.fraction.substr(0, 18);
    uint128 numerator = 0;
    uint128 denominator = 1;
    for (char digit : fraction) {
        numerator = numerator * 10 + static_cast<uint128>(digit - '0');
        denominator *= 10;
    }
    const uint128 result = whole * factor + numerator * factor / denominator;
    if (result > max) {
        return std::nullopt;
    }
    return static_cast<std::uint64_t>(result);
}

struct Unit {
    std::string_view name;
    std::uint64_t factor;
};

constexpr std::uint64_t kilo = 1000;
constexpr std::uint64_t kibi = 1024;

// GNU coreutils' convention (dd, head -c, df): a single letter is binary (1M = 1,048,576, as `ulimit` and
// `dd bs=1M` read it), "KB"/"MB" with a B are decimal, "KiB"/"MiB" are binary. Case-insensitive.
constexpr std::array size_units{
    Unit{"", 1},
    Unit{"b", 1},
    Unit{"k", kibi},
    Unit{"kb", kilo},
    Unit{"kib", kibi},
    Unit{"m", kibi* kibi},
    Unit{"mb", kilo* kilo},
    Unit{"mib", kibi* kibi},
    Unit{"g", kibi* kibi* kibi},
    Unit{"gb", kilo* kilo* kilo},
    Unit{"gib", kibi* kibi* kibi},
    Unit{"t", kibi* kibi* kibi* kibi},
    Unit{"tb", kilo* kilo* kilo* kilo},
    Unit{"tib", kibi* kibi* kibi* kibi},
};

constexpr std::int64_t ns_per_s = 1'000'000'000;

constexpr std::array duration_units{
    Unit{"", ns_per_s},         Unit{"s", ns_per_s},        Unit{"ns", 1},
    Unit{"us", 1000},           Unit{"ms", 1'000'000},      Unit{"m", 60 * ns_per_s},
    Unit{"min", 60 * ns_per_s}, Unit{"h", 3600 * ns_per_s},
};

template <std::size_t N>
std::optional<std::uint64_t> factor_of(const std::array<Unit, N>& units, std::string_view unit) {
    const std::string key = lower(unit);
    for (const Unit& candidate : units) {
        if (candidate.name == key) {
            return candidate.factor;
        }
    }
    return std::nullopt;
}

}  // namespace

Expected<std::uint64_t> parse_size(std::string_view text) {
    const std::string_view trimmed = trim(text);
    if (trimmed.empty()) {
        return Expected<std::uint64_t>::fail("empty size");
    }
    if (trimmed.front() == '-') {
        return Expected<std::uint64_t>::fail(
            fmt::format("'{}' is negative; a size is a number of bytes", trimmed));
    }
    const auto number = split_number(trimmed);
    if (!number) {
        return Expected<std::uint64_t>::fail(
            fmt::format("'{}' is not a size (try 4096000, 4000KiB, 4MB or 4MiB)", trimmed));
    }
    const auto factor = factor_of(size_units, number->unit);
    if (!factor) {
        return Expected<std::uint64_t>::fail(
            fmt::format("unknown unit '{}' in '{}' (use B, K, KB, KiB, M, MB, MiB, G, GB, GiB, T, TB or TiB)",
                        number->unit, trimmed));
    }
    if (!number->fraction.empty() && *factor == 1) {
        // A fraction needs a unit to scale it: "1.5" bytes would silently become 1.
        return Expected<std::uint64_t>::fail(fmt::format(
            "'{}' is not a whole number of bytes (a fraction needs a unit, e.g. 1.5MiB)", trimmed));
    }
    const auto bytes = scale(*number, *factor);
    if (!bytes) {
        return Expected<std::uint64_t>::fail(fmt::format("'{}' is too large", trimmed));
    }
    return Expected<std::uint64_t>::ok(*bytes);
}

Expected<std::chrono::nanoseconds> parse_duration(std::string_view text) {
    using Result = Expected<std::chrono::nanoseconds>;
    const std::string_view trimmed = trim(text);
    if (trimmed.empty()) {
        return Result::fail("empty duration");
    }
    if (trimmed.front() == '-') {
        return Result::fail(fmt::format("'{}' is negative; an interval is 0 or more", trimmed));
    }
    const auto number = split_number(trimmed);
    if (!number) {
        return Result::fail(fmt::format("'{}' is not a duration (try 0, 250ms, 1.5s or 2m)", trimmed));
    }
    const auto factor = factor_of(duration_units, number->unit);
    if (!factor) {
        return Result::fail(
            fmt::format("unknown unit '{}' in '{}' (use ns, us, ms, s, m or h)", number->unit, trimmed));
    }
    const auto nanoseconds = scale(*number, *factor);
    constexpr std::uint64_t max_ns = 24ULL * 3600 * ns_per_s;
    if (!nanoseconds || *nanoseconds > max_ns) {
        return Result::fail(fmt::format("'{}' is longer than the maximum of 24h", trimmed));
    }
    return Result::ok(std::chrono::nanoseconds(static_cast<std::int64_t>(*nanoseconds)));
}

Expected<std::uint64_t> parse_count(std::string_view text) {
    const std::string_view trimmed = trim(text);
    if (trimmed.empty()) {
        return Expected<std::uint64_t>::fail("empty count");
    }
    constexpr auto max = std::numeric_limits<std::uint64_t>::max();
    std::uint64_t value = 0;
    for (char c : trimmed) {
        if (std::isdigit(static_cast<unsigned char>(c)) == 0) {
            return Expected<std::uint64_t>::fail(
                fmt::format("'{}' is not a whole number of 1 or more", trimmed));
        }
        const auto d = static_cast<std::uint64_t>(c - '0');
        if (value > (max - d) / 10) {
            return Expected<std::uint64_t>::fail(fmt::format("'{}' is too large", trimmed));
        }
        value = value * 10 + d;
    }
    if (value == 0) {
        return Expected<std::uint64_t>::fail("must be at least 1 (leave it out to run until stopped)");
    }
    return Expected<std::uint64_t>::ok(value);
}

std::string format_bytes(std::uint64_t bytes) {
    constexpr std::array<std::string_view, 6> names{"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
    if (bytes < kibi) {
        return fmt::format("{} B", bytes);
    }
    auto value = static_cast<double>(bytes);
    std::size_t unit = 0;
    // 1023.95 and up would print as "1024.0": say it in the next unit instead.
    while (value >= 1023.95 && unit + 1 < names.size()) {
        value /= 1024.0;
        ++unit;
    }
    // One decimal for readability; values >= 1000 of a unit print without it to keep columns narrow.
    if (value >= 999.95) {
        return fmt::format("{:.0f} {}", value, names[unit]);
    }
    return fmt::format("{:.1f} {}", value, names[unit]);
}

std::string format_signed_bytes(std::int64_t bytes) {
    if (bytes == 0) {
        return "0 B";
    }
    const auto magnitude =
        bytes < 0 ? static_cast<std::uint64_t>(-(bytes + 1)) + 1 : static_cast<std::uint64_t>(bytes);
    return fmt::format("{}{}", bytes < 0 ? "-" : "+", format_bytes(magnitude));
}

std::string format_duration(std::chrono::nanoseconds duration) {
    const auto ns = duration.count();
    if (ns == 0) {
        return "0";
    }
    if (ns % (3600 * ns_per_s) == 0) {
        return fmt::format("{}h", ns / (3600 * ns_per_s));
    }
    if (ns % (60 * ns_per_s) == 0) {
        return fmt::format("{}m", ns / (60 * ns_per_s));
    }
    if (ns >= ns_per_s) {
        return fmt::format("{:g}s", static_cast<double>(ns) / 1e9);
    }
    if (ns >= 1'000'000) {
        return fmt::format("{:g}ms", static_cast<double>(ns) / 1e6);
    }
    if (ns >= 1000) {
        return fmt::format("{:g}us", static_cast<double>(ns) / 1e3);
    }
    return fmt::format("{}ns", ns);
}

namespace {

// "3,652": digits grouped by thousands.
std::string grouped_count(std::uint64_t value) {
    std::string digits = fmt::format("{}", value);
    for (std::size_t at = digits.size(); at > 3; at -= 3) {
        digits.insert(at - 3, 1, ',');
    }
    return digits;
}

// "1 min" / "1 min 5 s": a larger unit and a smaller one, left out when 0.
std::string two_units(std::uint64_t large, std::string_view large_unit, std::uint64_t small,
                      std::string_view small_unit) {
    return small == 0 ? fmt::format("{} {}", grouped_count(large), large_unit)
                      : fmt::format("{} {} {} {}", grouped_count(large), large_unit, small, small_unit);
}

}  // namespace

std::string format_duration_words(double seconds) {
    constexpr double most_seconds = 1e15;  // 31 million years: beyond it the figure is noise, not a time
    if (!(seconds > 0)) {
        return "0 s";
    }
    const auto whole = static_cast<std::uint64_t>(std::llround(std::min(seconds, most_seconds)));
    if (whole < 60) {
        return fmt::format("{} s", whole);
    }
    if (whole < 3600) {
        return two_units(whole / 60, "min", whole % 60, "s");
    }
    // Above an hour the seconds are dropped (rounded to the minute), above a day the minutes.
    const std::uint64_t minutes = (whole + 30) / 60;
    if (minutes < 24 * 60) {
        return two_units(minutes / 60, "h", minutes % 60, "min");
    }
    const std::uint64_t hours = (whole + 1800) / 3600;
    return two_units(hours / 24, "d", hours % 24, "h");
}

CompactDuration format_duration_compact(std::int64_t ns) {
    CompactDuration out;
    char* const begin = out.text.data();
    const std::size_t room = out.text.size();
    const std::int64_t positive = std::max<std::int64_t>(ns, 0);
    // Whole seconds, rounded (59.99 s is "1m00s"); written so the largest count cannot overflow.
    const std::int64_t seconds = positive / ns_per_s + (positive % ns_per_s >= ns_per_s / 2 ? 1 : 0);
    char* end = nullptr;
    if (positive < 59'950'000'000) {  // tenths, up to what would round to "60.0s"
        end = fmt::format_to_n(begin, room, "{:.1f}s", static_cast<double>(positive) / 1e9).out;
    } else if (seconds < 3600) {
        end = fmt::format_to_n(begin, room, "{}m{:02}s", seconds / 60, seconds % 60).out;
    } else if (seconds < 86400) {
        end = fmt::format_to_n(begin, room, "{}h{:02}m", seconds / 3600, seconds % 3600 / 60).out;
    } else if (seconds < 100 * 86400) {
        end = fmt::format_to_n(begin, room, "{}d{:02}h", seconds / 86400, seconds % 86400 / 3600).out;
    } else {
        end = fmt::format_to_n(begin, room, "{}d", seconds / 86400).out;
    }
    out.size = static_cast<std::size_t>(end - begin);
    return out;
}

}  // namespace leakdemo
