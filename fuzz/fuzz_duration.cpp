// libFuzzer target: the duration parser (--interval) on any bytes. Never a crash or a sanitizer report; an
// accepted duration lies in [0, 24h].
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "util/units.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    const auto duration = leakdemo::parse_duration(text);
    if (duration) {
        if (duration.value() < std::chrono::nanoseconds::zero() ||
            duration.value() > std::chrono::hours(24)) {
            __builtin_trap();
        }
        (void)leakdemo::format_duration(duration.value());
    } else if (duration.error().empty()) {
        __builtin_trap();
    }
    const auto count = leakdemo::parse_count(text);
    if (count && count.value() == 0) {
        __builtin_trap();  // a count is 1 or more
    }
    return 0;
}
