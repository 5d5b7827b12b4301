#include "live/hwm_reader.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string_view>

#include "measure/sampler.hpp"

namespace leakdemo {

HwmReader::HwmReader() : m_fd(::open("/proc/self/status", O_RDONLY | O_CLOEXEC)) {}

HwmReader::~HwmReader() {
    if (m_fd >= 0) {
        ::close(m_fd);
    }
}

std::optional<std::uint64_t> HwmReader::read() {
    if (m_fd < 0) {
        return std::nullopt;
    }
    const ssize_t got = ::pread(m_fd, m_buffer.data(), m_buffer.size(), 0);
    if (got <= 0) {
        return std::nullopt;
    }
    return parse_vm_hwm(std::string_view(m_buffer.data(), static_cast<std::size_t>(got)));
}

std::string reset_peak_rss() {
    const int fd = ::open("/proc/self/clear_refs", O_WRONLY | O_CLOEXEC);
    if (fd < 0) {
        return std::strerror(errno);
    }
    const bool written = ::write(fd, "5", 1) == 1;
    const int error = errno;
    ::close(fd);
    return written ? std::string() : std::string(std::strerror(error));
}

}  // namespace leakdemo
