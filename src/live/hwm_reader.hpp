#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>

namespace leakdemo {

// VmHWM (the kernel's peak RSS, which `m` resets) from /proc/self/status, by pread on a descriptor opened
// once into a fixed buffer: no open() and no allocation per read (about 10 microseconds).
class HwmReader {
  public:
    HwmReader();  // a reader that always says nullopt when the file cannot be opened
    ~HwmReader();
    HwmReader(const HwmReader&) = delete;
    HwmReader& operator=(const HwmReader&) = delete;

    std::optional<std::uint64_t> read();

  private:
    int m_fd = -1;
    std::array<char, 4096> m_buffer{};
};

// `m`: echo 5 > /proc/self/clear_refs, which resets VmHWM to the current RSS (Linux 4.0+). The error
// (errno text) when the kernel refused; empty on success.
std::string reset_peak_rss();

}  // namespace leakdemo
