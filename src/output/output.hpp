#pragma once

#include <fmt/format.h>

#include <string_view>

namespace leakdemo {

// Writes whole lines to a file descriptor (stdout, or a SafeFile's temporary file for -o FILE): each line
// goes out in one write(2), so a reader (or a file left behind by SIGKILL) never sees half a line, and
// nothing waits in a user-space buffer.
class LineWriter {
  public:
    explicit LineWriter(int fd, bool owns_fd = false) : m_fd(fd), m_owns_fd(owns_fd) {}
    ~LineWriter();
    LineWriter(const LineWriter&) = delete;
    LineWriter& operator=(const LineWriter&) = delete;

    // `line` must end with '\n'. Throws OutputClosed on EPIPE, and on EIO from anything but a regular file
    // (a terminal that hung up); Error on other failures.
    void write_line(std::string_view line);
    void write_line(const fmt::memory_buffer& line) {
        write_line(std::string_view(line.data(), line.size()));
    }

  private:
    int m_fd;
    bool m_owns_fd;
};

// Human text for stderr (summary, chart, notes), in one write(2); a failure to write it is not reported.
// While a status line is shown (the progress line), it is erased first and drawn again after `text`, in
// the same write, so text never lands inside it.
void print_stderr(std::string_view text);

// The status line now on stderr (output/progress.hpp), which print_stderr keeps intact: `shown` points at
// what is on the terminal (empty: nothing); nullptr when there is none.
void set_stderr_status(const std::string_view* shown);

}  // namespace leakdemo
