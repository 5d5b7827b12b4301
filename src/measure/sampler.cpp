#include "measure/sampler.hpp"

#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <cstring>
#include <ctime>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include <fmt/format.h>

#include "util/error.hpp"

namespace leakdemo {

std::uint64_t maxrss_to_bytes(long ru_maxrss) {
    if (ru_maxrss < 0) {
        return 0;
    }
#if defined(__APPLE__)
    return static_cast<std::uint64_t>(ru_maxrss);  // macOS reports bytes
#else
    return static_cast<std::uint64_t>(ru_maxrss) * 1024;  // Linux and the BSDs report KiB
#endif
}

bool parse_statm(const char* text, std::uint64_t& size_pages, std::uint64_t& resident_pages) {
    char* end = nullptr;
    errno = 0;
    const unsigned long long size = std::strtoull(text, &end, 10);
    if (end == text || errno != 0) {
        return false;
    }
    const char* next = end;
    const unsigned long long resident = std::strtoull(next, &end, 10);
    if (end == next || errno != 0) {
        return false;
    }
    size_pages = size;
    resident_pages = resident;
    return true;
}

std::optional<std::uint64_t> parse_vm_hwm(std::string_view status_text) {
    constexpr std::string_view key = "VmHWM:";
    std::size_t at = status_text.substr(0, key.size()) == key ? 0 : status_text.find("\nVmHWM:");
    if (at == std::string_view::npos) {
        return std::nullopt;
    }
    at += status_text[at] == '\n' ? 1 + key.size() : key.size();
    while (at < status_text.size() && (status_text[at] == ' ' || status_text[at] == '\t')) {
        ++at;
    }
    std::uint64_t kib = 0;
    const char* begin = status_text.data() + at;
    const auto [end, error] = std::from_chars(begin, status_text.data() + status_text.size(), kib);
    if (error != std::errc{} || end == begin) {
        return std::nullopt;
    }
    return kib * 1024;
}

ResourceSampler::ResourceSampler(const SystemReader& system) : m_system(system) {
    // Opened once: open+read+close per sample costs 3-4x a pread on a kept descriptor (MEMORY-FACTS.md).
    // This is why statm bypasses the SystemReader: the hot path must not open, read whole or allocate.
    m_statm_fd = ::open("/proc/self/statm", O_RDONLY | O_CLOEXEC);
    if (m_statm_fd < 0) {
        throw Error(fmt::format("cannot open /proc/self/statm ({}): leakdemo needs Linux's /proc",
                                std::strerror(errno)));
    }
    const long page_size = ::sysconf(_SC_PAGESIZE);
    if (page_size > 0) {
        m_page_size = static_cast<std::uint64_t>(page_size);
    }
}

ResourceSampler::~ResourceSampler() {
    if (m_statm_fd >= 0) {
        ::close(m_statm_fd);
    }
}

MemorySample ResourceSampler::sample() {
    MemorySample result;

    timespec now{};
    ::clock_gettime(CLOCK_MONOTONIC, &now);
    result.timestamp_ns = static_cast<std::int64_t>(now.tv_sec) * 1'000'000'000 + now.tv_nsec;

    rusage usage{};
    if (::getrusage(RUSAGE_SELF, &usage) == 0) {
        result.maxrss_bytes = maxrss_to_bytes(usage.ru_maxrss);
        result.minor_faults = static_cast<std::uint64_t>(usage.ru_minflt);
        result.major_faults = static_cast<std::uint64_t>(usage.ru_majflt);
    }

    // A stack buffer and pread at offset 0: no allocation, no open, ~2 us.
    char statm[128];
    const ssize_t length = ::pread(m_statm_fd, statm, sizeof statm - 1, 0);
    if (length <= 0) {
        throw Error(fmt::format("cannot read /proc/self/statm ({})", std::strerror(errno)));
    }
    statm[length] = '\0';
    std::uint64_t size_pages = 0;
    std::uint64_t resident_pages = 0;
    if (!parse_statm(statm, size_pages, resident_pages)) {
        throw Error("cannot parse /proc/self/statm");
    }
    result.vsz_bytes = size_pages * m_page_size;
    result.rss_bytes = resident_pages * m_page_size;

#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 33))
    const struct mallinfo2 heap = ::mallinfo2();
    result.heap_arena_bytes = heap.arena;
    result.heap_mmap_bytes = heap.hblkhd;
#endif
    return result;
}

std::optional<std::uint64_t> ResourceSampler::peak_rss_bytes() {
    // Read once, for the summary: through the reader like every kernel file outside the hot path.
    const auto status = m_system.read_file("/proc/self/status");
    if (!status) {
        return std::nullopt;
    }
    return parse_vm_hwm(*status);
}

}  // namespace leakdemo
