#include "output/output.hpp"

#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include <array>
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

namespace {
const std::string_view* g_stderr_status = nullptr;
}  // namespace

void set_stderr_status(const std::string_view* shown) {
    g_stderr_status = shown;
}

void print_stderr(std::string_view text) {
    if (g_stderr_status == nullptr || g_stderr_status->empty()) {
        [[maybe_unused]] const auto ignored = ::write(STDERR_FILENO, text.data(), text.size());
        return;
    }
    // Erase the status line, write the text, draw the line again: one writev(2), nothing in between.
    static constexpr char erase_line[] = "\r\x1b[K";
    std::array<iovec, 3> parts{{{const_cast<char*>(erase_line), sizeof(erase_line) - 1},
                                {const_cast<char*>(text.data()), text.size()},
                                {const_cast<char*>(g_stderr_status->data()), g_stderr_status->size()}}};
    [[maybe_unused]] const auto ignored =
        ::writev(STDERR_FILENO, parts.data(), static_cast<int>(parts.size()));
}

}  // namespace leakdemo
