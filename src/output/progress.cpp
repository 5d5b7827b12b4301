#include "output/progress.hpp"

#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>

#include "output/output.hpp"
#include "util/units.hpp"

namespace leakdemo {
namespace {

constexpr std::string_view erase_line = "\r\x1b[K";  // to column 0, erase to the end of the line

// "12.3s", "4m05s", "2h03m": a duration in at most 6 columns (format_duration_compact), without allocating.
char* append_duration(char* out, char* end, std::int64_t ns) {
    const CompactDuration text = format_duration_compact(ns);
    const std::size_t size = std::min(text.size, static_cast<std::size_t>(end - out));
    return std::copy_n(text.text.data(), size, out);
}

// One write(2), finished after a signal; a failure (stderr gone) only stops the line being drawn.
bool write_all(int fd, std::string_view text) {
    while (!text.empty()) {
        const ssize_t written = ::write(fd, text.data(), text.size());
        if (written < 0) {
            if (errno == EINTR) {
                continue;
            }
            return false;
        }
        text.remove_prefix(static_cast<std::size_t>(written));
    }
    return true;
}

}  // namespace

bool progress_wanted(ProgressMode mode, const ProgressStreams& streams) {
    switch (mode) {
        case ProgressMode::never:
            return false;
        case ProgressMode::always:
            return !streams.rows_on_stderr_terminal;
        case ProgressMode::automatic:
            break;
    }
    return streams.stderr_is_terminal && !streams.stderr_dumb && !streams.rows_on_stderr_terminal &&
           !streams.quiet;
}

ProgressStreams current_progress_streams(bool rows_on_stdout, bool quiet) {
    ProgressStreams streams;
    streams.stderr_is_terminal = ::isatty(STDERR_FILENO) == 1;
    const char* term = std::getenv("TERM");
    streams.stderr_dumb = term != nullptr && std::string_view(term) == "dumb";
    // The same terminal, not just a terminal: stdout on another one (another tmux pane) is no conflict.
    struct stat out {};
    struct stat err {};
    streams.rows_on_stderr_terminal = rows_on_stdout && ::isatty(STDOUT_FILENO) == 1 &&
                                      ::fstat(STDOUT_FILENO, &out) == 0 &&
                                      ::fstat(STDERR_FILENO, &err) == 0 && out.st_rdev == err.st_rdev;
    streams.quiet = quiet;
    return streams;
}

ProgressSink::ProgressSink(std::optional<std::uint64_t> iterations, const TerminalCaps& caps, int fd)
    : m_iterations(iterations), m_caps(caps), m_fd(fd) {
    if (m_fd == STDERR_FILENO) {
        set_stderr_status(&m_shown);
    }
}

ProgressSink::~ProgressSink() {
    erase();
    if (m_fd == STDERR_FILENO) {
        set_stderr_status(nullptr);
    }
}

void ProgressSink::record(const Record& record) {
    const bool resized = refresh_width(m_caps, m_resizes_seen);
    m_latest = record;
    m_latest_drawn = false;
    if (!resized && m_last_draw_ns && record.elapsed_ns - *m_last_draw_ns < min_redraw_ns) {
        return;
    }
    m_last_draw_ns = record.elapsed_ns;
    draw(record);
    m_latest_drawn = true;
}

void ProgressSink::summary(const Summary& /*summary*/) {
    // The final state, if the rate limit held it back, then the erase: a reader of a log (or a glance at
    // the terminal) sees where the run ended, and the summary still starts on a clean line.
    if (!m_latest_drawn) {
        draw(m_latest);
        m_latest_drawn = true;
    }
    erase();
}

void ProgressSink::draw(const Record& record) {
    // The whole line is built in m_line: the erase, then the text, cut to one column less than the
    // terminal (writing the last column would wrap on some terminals).
    char* const begin = m_line.data();
    char* const end = begin + m_line.size();
    char* out = std::copy(erase_line.begin(), erase_line.end(), begin);
    char* const text = out;
    out =
        fmt::format_to_n(out, static_cast<std::size_t>(end - out), "leakdemo: iteration {}", record.iteration)
            .out;
    if (m_iterations) {
        out = fmt::format_to_n(out, static_cast<std::size_t>(end - out), " of {}", *m_iterations).out;
    }
    out = fmt::format_to_n(out, static_cast<std::size_t>(end - out), ", ").out;
    out = append_duration(out, end, record.elapsed_ns);
    constexpr double mib = 1024.0 * 1024.0;
    const double rss_mib = static_cast<double>(record.sample.rss_bytes) / mib;
    out =
        rss_mib < 1024.0
            ? fmt::format_to_n(out, static_cast<std::size_t>(end - out), ", RSS {:.1f} MiB", rss_mib).out
            : fmt::format_to_n(out, static_cast<std::size_t>(end - out), ", RSS {:.2f} GiB", rss_mib / 1024.0)
                  .out;
    if (m_iterations && record.iteration > 0 && record.iteration <= *m_iterations) {
        const double per_iteration =
            static_cast<double>(record.elapsed_ns) / static_cast<double>(record.iteration);
        const auto left_ns =
            static_cast<std::int64_t>(per_iteration * static_cast<double>(*m_iterations - record.iteration));
        out = fmt::format_to_n(out, static_cast<std::size_t>(end - out), ", ").out;
        out = append_duration(out, end, left_ns);
        out = fmt::format_to_n(out, static_cast<std::size_t>(end - out), " left").out;
    }
    out = std::min(out, end);
    const auto columns = static_cast<std::size_t>(std::max(m_caps.width - 1, 1));
    const std::size_t length = std::min(static_cast<std::size_t>(out - text), columns);  // ASCII only
    const std::string_view line(begin, static_cast<std::size_t>(text - begin) + length);
    m_shown = write_all(m_fd, line) ? line : std::string_view{};
}

void ProgressSink::erase() {
    if (!m_shown.empty()) {
        m_shown = {};
        write_all(m_fd, erase_line);
    }
}

}  // namespace leakdemo
