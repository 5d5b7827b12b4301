#pragma once

// The figures of one process that is not ours, from /proc/PID: status (VmRSS, VmHWM, VmSize, RssAnon,
// RssFile, RssShmem), stat (minor and major faults) and, at most every --pss-interval, smaps_rollup (Pss,
// Private_Clean + Private_Dirty). Each file is opened once and re-read with pread(2) at offset 0 into a
// fixed buffer, so a sample opens nothing and allocates nothing. A kept descriptor also pins the process:
// once it has exited, reads fail with ESRCH instead of reading whichever process reuses the PID.
#include <sys/types.h>

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

namespace leakdemo {

struct ProcessFigures {
    std::uint64_t rss_bytes = 0;
    std::uint64_t hwm_bytes = 0;
    std::uint64_t vsz_bytes = 0;
    std::uint64_t rss_anon_bytes = 0;
    std::uint64_t rss_file_bytes = 0;
    std::uint64_t rss_shmem_bytes = 0;
    std::uint64_t minor_faults = 0;
    std::uint64_t major_faults = 0;
    std::uint64_t ppid = 0;
    std::uint64_t flags = 0;  // stat's field 9: PF_KTHREAD marks a kernel thread
};

struct SmapsFigures {
    std::uint64_t pss_bytes = 0;
    std::uint64_t uss_bytes = 0;
};

// Parsers of the kernel's text, for tests too. False on text that is not what proc(5) describes.
bool parse_status(std::string_view text, ProcessFigures& figures);
bool parse_stat(std::string_view text, ProcessFigures& figures);
bool parse_smaps_rollup(std::string_view text, SmapsFigures& figures);

// The parent of `pid` from /proc/PID/stat, opened, read and closed (the tree's scan reads it once per PID).
std::optional<pid_t> read_parent(pid_t pid, const char* proc_root = "/proc");
// True when /proc/PID/stat marks `pid` as a kernel thread (PF_KTHREAD, e.g. kthreadd, PID 2): it has no
// memory of its own to watch.
bool is_kernel_thread(pid_t pid, const char* proc_root = "/proc");

class ProcessReader {
  public:
    ProcessReader() = default;
    ~ProcessReader();
    ProcessReader(ProcessReader&& other) noexcept;
    ProcessReader& operator=(ProcessReader&& other) noexcept;
    ProcessReader(const ProcessReader&) = delete;
    ProcessReader& operator=(const ProcessReader&) = delete;

    // Opens /proc/PID/{status,stat}. False when the process is gone (or was never there).
    bool open(pid_t pid, const char* proc_root = "/proc");
    pid_t pid() const { return m_pid; }

    // The status and stat figures; nullopt when the process is gone (or became unreadable).
    std::optional<ProcessFigures> read();
    // smaps_rollup, opened on first use; nullopt when it cannot be read (gone, or no permission: then
    // `permission_denied()` is true).
    std::optional<SmapsFigures> read_smaps();
    bool permission_denied() const { return m_smaps_denied; }

  private:
    void close_all();

    pid_t m_pid = -1;
    int m_status_fd = -1;
    int m_stat_fd = -1;
    int m_smaps_fd = -1;
    bool m_smaps_denied = false;
    std::array<char, 32> m_root{};
};

}  // namespace leakdemo
