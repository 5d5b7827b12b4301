#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "measure/sample.hpp"
#include "measure/system_reader.hpp"

namespace leakdemo {

// Where memory figures come from. The run loop only knows this interface, so tests can feed it numbers.
class Sampler {
  public:
    virtual ~Sampler() = default;
    virtual MemorySample sample() = 0;
    // Peak resident set (VmHWM from /proc/self/status), read once for the summary; nullopt if unknown.
    virtual std::optional<std::uint64_t> peak_rss_bytes() = 0;
};

// The real thing (Linux only): getrusage, /proc/self/statm through a descriptor opened once and read
// with pread, and glibc's mallinfo2. About 5 microseconds a sample, no allocation, no open() per sample.
// What is read once (VmHWM for the summary) comes through `system`, like every other kernel file; the
// per-sample statm read does not, because a SystemReader opens and reads a whole file into a string.
class ResourceSampler final : public Sampler {
  public:
    // Throws Error when /proc/self/statm cannot be opened (not Linux). `system` must outlive the sampler.
    explicit ResourceSampler(const SystemReader& system = live_system_reader());
    ~ResourceSampler() override;
    ResourceSampler(const ResourceSampler&) = delete;
    ResourceSampler& operator=(const ResourceSampler&) = delete;

    MemorySample sample() override;
    std::optional<std::uint64_t> peak_rss_bytes() override;

    int statm_descriptor() const { return m_statm_fd; }

  private:
    const SystemReader& m_system;
    int m_statm_fd = -1;
    std::uint64_t m_page_size = 4096;
};

// ru_maxrss is in KiB on Linux and the BSDs, in bytes on macOS.
std::uint64_t maxrss_to_bytes(long ru_maxrss);

// Parses "size resident shared ..." (pages) from /proc/self/statm; false on malformed text.
bool parse_statm(const char* text, std::uint64_t& size_pages, std::uint64_t& resident_pages);

// Finds the line "VmHWM:   1234 kB" in /proc/self/status text, in bytes.
std::optional<std::uint64_t> parse_vm_hwm(std::string_view status_text);

}  // namespace leakdemo
