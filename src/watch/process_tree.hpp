#pragma once

// The watched process and, by default, all its descendants, summed at every sample. This kernel has no
// /proc/PID/task/*/children (CONFIG_PROC_CHILDREN is off on Debian's kernels), so the tree comes from a
// scan of /proc: each PID's parent is read once (from /proc/N/stat) and cached; a rescan lists /proc and
// reads only PIDs it has not seen. Rescans happen at every sample in the first second, then at most every
// `rescan_every` (250 ms: a scan lists all of /proc, about 100 µs); between them the known members are
// re-read through their kept descriptors (process_reader.hpp). A member that is gone between listing and
// reading is skipped, never an error. Memory is bounded by the processes alive at once.
#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "watch/process_reader.hpp"

namespace leakdemo {

struct TreeSample {
    bool root_alive = false;
    std::uint64_t processes = 0;
    ProcessFigures sum;                      // ppid meaningless here
    std::optional<std::uint64_t> pss_bytes;  // only when asked for and readable for every member
    std::optional<std::uint64_t> uss_bytes;
    bool smaps_denied = false;  // some member's smaps_rollup was refused (another user's process)
};

class ProcessTree {
  public:
    ProcessTree(pid_t root, bool include_children, std::string proc_root = "/proc",
                std::chrono::nanoseconds rescan_every = std::chrono::milliseconds(250));

    // One sample at `now` (monotonic); smaps_rollup is read when `with_smaps`.
    TreeSample sample(std::chrono::nanoseconds now, bool with_smaps);
    // Every member's PID as of the last sample (the root included), to signal them at the end.
    std::vector<pid_t> members() const;

  private:
    void rescan();
    std::optional<pid_t> parent_of(pid_t pid);

    pid_t m_root;
    bool m_include_children;
    std::string m_proc_root;
    std::chrono::nanoseconds m_rescan_every;
    std::optional<std::chrono::nanoseconds> m_last_scan;
    std::optional<std::chrono::nanoseconds> m_first_sample;
    std::unordered_map<pid_t, pid_t> m_parent;  // every PID seen in /proc -> its parent
    std::vector<ProcessReader> m_readers;       // the members, sorted by PID
    // Reused between scans.
    std::vector<pid_t> m_listed;
    std::vector<pid_t> m_wanted;
    std::vector<std::pair<pid_t, pid_t>> m_edges;
    std::vector<ProcessReader> m_next;
};

}  // namespace leakdemo
