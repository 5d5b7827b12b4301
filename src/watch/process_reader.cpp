#include "watch/process_reader.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <initializer_list>
#include <utility>

namespace leakdemo {
namespace {

// Enough for /proc/PID/status (about 1.5 KiB) and smaps_rollup (about 1 KiB); one buffer per thread is
// enough, the sampler reads one file at a time.
thread_local std::array<char, 8192> t_buffer;

std::optional<std::string_view> read_whole(int fd) {
    if (fd < 0) {
        return std::nullopt;
    }
    ssize_t got = -1;
    do {
        got = ::pread(fd, t_buffer.data(), t_buffer.size() - 1, 0);
    } while (got < 0 && errno == EINTR);
    if (got <= 0) {
        return std::nullopt;
    }
    return std::string_view(t_buffer.data(), static_cast<std::size_t>(got));
}

std::uint64_t number_at(std::string_view text) {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) {
        text.remove_prefix(1);
    }
    std::uint64_t value = 0;
    std::from_chars(text.data(), text.data() + text.size(), value);
    return value;
}

// "Key:   1234 kB" lines; each key in `keys` found sets its target to bytes.
template <std::size_t N>
int read_kib_lines(std::string_view text,
                   const std::array<std::pair<std::string_view, std::uint64_t*>, N>& keys) {
    int found = 0;
    while (!text.empty()) {
        const auto end = text.find('\n');
        const std::string_view line = text.substr(0, end);
        for (const auto& [key, target] : keys) {
            if (line.size() > key.size() && line.substr(0, key.size()) == key && line[key.size()] == ':') {
                *target = number_at(line.substr(key.size() + 1)) * 1024;
                ++found;
            }
        }
        if (end == std::string_view::npos) {
            break;
        }
        text.remove_prefix(end + 1);
    }
    return found;
}

int open_proc(const char* root, pid_t pid, const char* name) {
    char path[96];
    const auto written = fmt::format_to_n(path, sizeof path - 1, "{}/{}/{}", root, pid, name);
    *written.out = '\0';
    int fd = -1;
    do {
        fd = ::open(path, O_RDONLY | O_CLOEXEC);
    } while (fd < 0 && errno == EINTR);
    return fd;
}

}  // namespace

bool parse_status(std::string_view text, ProcessFigures& f) {
    const std::array<std::pair<std::string_view, std::uint64_t*>, 6> keys{{{"VmRSS", &f.rss_bytes},
                                                                           {"VmHWM", &f.hwm_bytes},
                                                                           {"VmSize", &f.vsz_bytes},
                                                                           {"RssAnon", &f.rss_anon_bytes},
                                                                           {"RssFile", &f.rss_file_bytes},
                                                                           {"RssShmem", &f.rss_shmem_bytes}}};
    const int found = read_kib_lines(text, keys);
    // A zombie has exited: nothing left to measure, as good as gone.
    if (const auto state = text.find("\nState:"); state != std::string_view::npos) {
        const std::string_view rest = text.substr(state + 7, 4);
        if (rest.find('Z') != std::string_view::npos || rest.find('X') != std::string_view::npos) {
            return false;
        }
    }
    // PPid is a plain number, not kB: read it by hand (stat has it too).
    if (const auto at = text.find("\nPPid:"); at != std::string_view::npos) {
        f.ppid = number_at(text.substr(at + 6));
    }
    // No VmRSS: a process that is exiting has released its memory already (or a kernel thread, which has
    // none). Counting it as 0 bytes would be a false drop in the series: it is as good as gone.
    return found > 0 && text.find("\nVmRSS:") != std::string_view::npos;
}

bool parse_stat(std::string_view text, ProcessFigures& f) {
    // "pid (comm) state ppid ...": comm may hold blanks and parentheses, so fields count from the last ')'.
    const auto close = text.rfind(')');
    if (close == std::string_view::npos) {
        return false;
    }
    std::string_view rest = text.substr(close + 1);
    // Fields after comm: 3 state, 4 ppid, ... 10 minflt, 12 majflt (proc(5), counting from 1).
    std::uint64_t values[13] = {};
    int field = 2;
    while (!rest.empty() && field < 12) {
        while (!rest.empty() && rest.front() == ' ') {
            rest.remove_prefix(1);
        }
        const auto blank = rest.find(' ');
        ++field;
        if (field >= 4) {
            values[field] = number_at(rest.substr(0, blank));
        }
        if (blank == std::string_view::npos) {
            break;
        }
        rest.remove_prefix(blank);
    }
    if (field < 12) {
        return false;
    }
    f.ppid = values[4];
    f.flags = values[9];
    f.minor_faults = values[10];
    f.major_faults = values[12];
    return true;
}

bool parse_smaps_rollup(std::string_view text, SmapsFigures& f) {
    std::uint64_t clean = 0;
    std::uint64_t dirty = 0;
    const std::array<std::pair<std::string_view, std::uint64_t*>, 3> keys{
        {{"Pss", &f.pss_bytes}, {"Private_Clean", &clean}, {"Private_Dirty", &dirty}}};
    const int found = read_kib_lines(text, keys);
    f.uss_bytes = clean + dirty;
    return found == 3;
}

ProcessReader::~ProcessReader() {
    close_all();
}

ProcessReader::ProcessReader(ProcessReader&& other) noexcept {
    *this = std::move(other);
}

ProcessReader& ProcessReader::operator=(ProcessReader&& other) noexcept {
    if (this != &other) {
        close_all();
        m_pid = std::exchange(other.m_pid, -1);
        m_status_fd = std::exchange(other.m_status_fd, -1);
        m_stat_fd = std::exchange(other.m_stat_fd, -1);
        m_smaps_fd = std::exchange(other.m_smaps_fd, -1);
        m_smaps_denied = other.m_smaps_denied;
        m_root = other.m_root;
    }
    return *this;
}

void ProcessReader::close_all() {
    for (int* fd : {&m_status_fd, &m_stat_fd, &m_smaps_fd}) {
        if (*fd >= 0) {
            ::close(*fd);
            *fd = -1;
        }
    }
}

bool ProcessReader::open(pid_t pid, const char* proc_root) {
    close_all();
    m_pid = pid;
    m_smaps_denied = false;
    std::strncpy(m_root.data(), proc_root, m_root.size() - 1);
    m_status_fd = open_proc(proc_root, pid, "status");
    m_stat_fd = open_proc(proc_root, pid, "stat");
    return m_status_fd >= 0 && m_stat_fd >= 0;
}

std::optional<pid_t> read_parent(pid_t pid, const char* proc_root) {
    const int fd = open_proc(proc_root, pid, "stat");
    const auto text = read_whole(fd);
    ProcessFigures figures;
    const bool parsed = text && parse_stat(*text, figures);
    if (fd >= 0) {
        ::close(fd);
    }
    if (!parsed) {
        return std::nullopt;
    }
    return static_cast<pid_t>(figures.ppid);
}

bool is_kernel_thread(pid_t pid, const char* proc_root) {
    constexpr std::uint64_t pf_kthread = 0x00200000;  // include/linux/sched.h
    const int fd = open_proc(proc_root, pid, "stat");
    const auto text = read_whole(fd);
    ProcessFigures figures;
    const bool parsed = text && parse_stat(*text, figures);
    if (fd >= 0) {
        ::close(fd);
    }
    return parsed && (figures.flags & pf_kthread) != 0;
}

std::optional<ProcessFigures> ProcessReader::read() {
    ProcessFigures figures;
    const auto status = read_whole(m_status_fd);
    if (!status || !parse_status(*status, figures)) {
        return std::nullopt;
    }
    const std::uint64_t ppid = figures.ppid;
    const auto stat = read_whole(m_stat_fd);
    if (!stat || !parse_stat(*stat, figures)) {
        return std::nullopt;
    }
    figures.ppid = ppid;
    return figures;
}

std::optional<SmapsFigures> ProcessReader::read_smaps() {
    if (m_smaps_denied) {
        return std::nullopt;
    }
    if (m_smaps_fd < 0) {
        m_smaps_fd = open_proc(m_root.data(), m_pid, "smaps_rollup");
        if (m_smaps_fd < 0) {
            m_smaps_denied = errno == EACCES || errno == EPERM;
            return std::nullopt;
        }
    }
    const auto text = read_whole(m_smaps_fd);
    SmapsFigures figures;
    if (!text) {
        m_smaps_denied = errno == EACCES || errno == EPERM;
        return std::nullopt;
    }
    if (!parse_smaps_rollup(*text, figures)) {
        return std::nullopt;
    }
    return figures;
}

}  // namespace leakdemo
