#pragma once
// Internal to the explainer (explain.cpp, explain_wording.cpp): what one iteration changed, and the
// number wording its notes share.

#include <fmt/format.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "output/explain.hpp"
#include "util/units.hpp"

namespace leakdemo {

// glibc's chunk header in front of every block (prev_size + size on 64-bit): an mmap'd block's data starts
// this far into its page-aligned mapping.
inline constexpr std::uint64_t chunk_header_bytes = 16;

// "4,096,000": digits grouped for the back row.
inline std::string grouped(std::uint64_t value) {
    std::string digits = std::to_string(value);
    for (auto at = static_cast<std::ptrdiff_t>(digits.size()) - 3; at > 0; at -= 3) {
        digits.insert(static_cast<std::size_t>(at), 1, ',');
    }
    return digits;
}

// "4,096,000 bytes (3.9 MiB)": exact for the class, readable for the back row.
inline std::string exact_bytes(std::uint64_t bytes) {
    return fmt::format("{} bytes ({})", grouped(bytes), format_bytes(bytes));
}

inline std::string plural(std::uint64_t count, std::string_view word) {
    return fmt::format("{} {}{}", count, word, count == 1 ? "" : "s");
}

// What one iteration did, measured: differences between two consecutive records.
struct Explainer::Step {
    std::uint64_t iteration = 0;
    std::uint64_t block = 0;
    std::uint64_t block_pages = 0;
    bool allocated = false;  // the workload made one more block
    bool freed = false;      // ... and gave it back with free() (outstanding did not grow)
    bool via_mmap = false;   // glibc served it with its own mmap
    std::int64_t rss = 0;
    std::int64_t vsz = 0;
    std::int64_t arena = 0;
    std::int64_t mmapped = 0;
    std::uint64_t faults = 0;
    std::uint64_t leaked = 0;  // newly leaked bytes
    std::uint64_t held = 0;    // newly held (reachable) bytes

    // "About a block" in the units the kernel and allocator work in: at least half of it, and never 0 (a
    // 1-byte block's half is 0 in integer arithmetic, and "nothing changed" is not "a block changed").
    bool about_a_block(std::int64_t bytes) const {
        return bytes > 0 && bytes >= static_cast<std::int64_t>(block / 2);
    }
    bool pages_committed() const { return block_pages > 0 && faults * 2 >= block_pages; }
};

}  // namespace leakdemo
