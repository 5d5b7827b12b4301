#pragma once

#include <cstdint>

namespace leakdemo {

// One reading of the process's memory figures. Plain data: bytes, counts and nanoseconds.
struct MemorySample {
    std::int64_t timestamp_ns = 0;       // monotonic clock
    std::uint64_t maxrss_bytes = 0;      // getrusage ru_maxrss, converted to bytes (a high-water mark)
    std::uint64_t rss_bytes = 0;         // current resident set, /proc/self/statm
    std::uint64_t vsz_bytes = 0;         // current virtual size, /proc/self/statm
    std::uint64_t minor_faults = 0;      // getrusage ru_minflt
    std::uint64_t major_faults = 0;      // getrusage ru_majflt
    std::uint64_t heap_arena_bytes = 0;  // mallinfo2 arena: the brk heap
    std::uint64_t heap_mmap_bytes = 0;   // mallinfo2 hblkhd: chunks served by mmap
};

}  // namespace leakdemo
