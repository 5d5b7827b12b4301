#pragma once

#include <fmt/format.h>

#include <memory>
#include <string>
#include <string_view>

#include "util/expected.hpp"

namespace leakdemo {

// Writes whole lines to a file descriptor: each line goes out in one write(2), so a reader (or a file
// left behind by SIGKILL) never sees half a line, and nothing waits in a user-space buffer.
class LineWriter {
  public:
    explicit LineWriter(int fd, bool owns_fd = false) : m_fd(fd), m_owns_fd(owns_fd) {}
    ~LineWriter();
    LineWriter(const LineWriter&) = delete;
    LineWriter& operator=(const LineWriter&) = delete;

    // Opens `path` for writing ("-" is stdout); throws Error with the system's reason.
    static std::unique_ptr<LineWriter> open_file(const std::string& path);

    // `line` must end with '\n'. Throws OutputClosed on EPIPE and Error on other failures.
    void write_line(std::string_view line);
    void write_line(const fmt::memory_buffer& line) {
        write_line(std::string_view(line.data(), line.size()));
    }

  private:
    int m_fd;
    bool m_owns_fd;
};

// Opens `path` for writing ("-" is stdout), or says why not ("cannot open PATH: reason"): for files opened
// before a run, where that is the user's mistake. LineWriter::open_file throws the same message as Error.
Expected<std::unique_ptr<LineWriter>> open_line_writer(const std::string& path);

// Human text for stderr (summary, chart, notes), in one write(2); a failure to write it is not reported.
void print_stderr(std::string_view text);

}  // namespace leakdemo
