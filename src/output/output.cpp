#include "output/output.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "util/error.hpp"

namespace leakdemo {
namespace {

// EIO from a terminal means it hung up (the window closed, ssh dropped): the reader went away, as with EPIPE.
// From a regular file (-o FILE) it is a disk error and stays one.
bool is_regular_file(int fd) {
    struct stat status {};
    return ::fstat(fd, &status) == 0 && S_ISREG(status.st_mode);
}

}  // namespace

LineWriter::~LineWriter() {
    if (m_owns_fd && m_fd >= 0) {
        ::close(m_fd);
    }
}

void LineWriter::write_line(std::string_view line) {
    // One write(2) per line. A short write (full disk, signal mid-copy) is finished at once, so a line
    // is never left half-written by leakdemo itself.
    const char* data = line.data();
    std::size_t left = line.size();
    while (left > 0) {
        const ssize_t written = ::write(m_fd, data, left);
        if (written < 0) {
            if (errno == EINTR) {
                continue;
            }
            if (errno == EPIPE || (errno == EIO && !is_regular_file(m_fd))) {
                throw OutputClosed();
            }
            throw Error(fmt::format("cannot write output: {}", std::strerror(errno)));
        }
        data += written;
        left -= static_cast<std::size_t>(written);
    }
}

void print_stderr(std::string_view text) {
    [[maybe_unused]] const auto ignored = ::write(STDERR_FILENO, text.data(), text.size());
}

}  // namespace leakdemo
