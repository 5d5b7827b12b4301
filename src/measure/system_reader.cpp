#include "measure/system_reader.hpp"

#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace leakdemo {

Expected<std::string> LiveSystemReader::read_file(const std::string& path) const {
    // open/read/close, no iostreams: these files are read before the baseline sample, and iostreams' locale
    // set-up alone costs ~200 KiB of resident pages.
    const int fd = ::open((m_root + path).c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        return Expected<std::string>::fail(std::strerror(errno));
    }
    std::string text;
    char buffer[4096];
    while (true) {
        const ssize_t got = ::read(fd, buffer, sizeof buffer);
        if (got < 0 && errno == EINTR) {
            continue;
        }
        if (got < 0) {
            const int error = errno;
            ::close(fd);
            return Expected<std::string>::fail(std::strerror(error));
        }
        if (got == 0) {
            break;
        }
        text.append(buffer, static_cast<std::size_t>(got));
    }
    ::close(fd);
    return Expected<std::string>::ok(std::move(text));
}

ResourceLimits LiveSystemReader::resource_limits() const {
    const auto soft_limit = [](int resource) -> std::optional<std::uint64_t> {
        rlimit limit{};
        if (::getrlimit(resource, &limit) != 0 || limit.rlim_cur == RLIM_INFINITY) {
            return std::nullopt;
        }
        return static_cast<std::uint64_t>(limit.rlim_cur);
    };
    return ResourceLimits{soft_limit(RLIMIT_AS), soft_limit(RLIMIT_DATA)};
}

const SystemReader& live_system_reader() {
    static const LiveSystemReader live;
    return live;
}

}  // namespace leakdemo
