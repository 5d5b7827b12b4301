#include "watch/process_tree.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <utility>

namespace leakdemo {
namespace {

std::optional<pid_t> pid_from_name(const char* name) {
    pid_t pid = 0;
    const char* end = name + std::strlen(name);
    const auto [at, error] = std::from_chars(name, end, pid);
    if (error != std::errc{} || at != end || pid <= 0) {
        return std::nullopt;
    }
    return pid;
}

void add_sample(TreeSample& tree, const ProcessFigures& f) {
    tree.sum.rss_bytes += f.rss_bytes;
    tree.sum.hwm_bytes += f.hwm_bytes;
    tree.sum.vsz_bytes += f.vsz_bytes;
    tree.sum.rss_anon_bytes += f.rss_anon_bytes;
    tree.sum.rss_file_bytes += f.rss_file_bytes;
    tree.sum.rss_shmem_bytes += f.rss_shmem_bytes;
    tree.sum.minor_faults += f.minor_faults;
    tree.sum.major_faults += f.major_faults;
    ++tree.processes;
}

}  // namespace

ProcessTree::ProcessTree(pid_t root, bool include_children, std::string proc_root,
                         std::chrono::nanoseconds rescan_every)
    : m_root(root),
      m_include_children(include_children),
      m_proc_root(std::move(proc_root)),
      m_rescan_every(rescan_every) {
    ProcessReader reader;
    if (reader.open(root, m_proc_root.c_str())) {
        m_readers.push_back(std::move(reader));
    }
}

std::optional<pid_t> ProcessTree::parent_of(pid_t pid) {
    if (const auto known = m_parent.find(pid); known != m_parent.end()) {
        return known->second;
    }
    const auto parent = read_parent(pid, m_proc_root.c_str());
    if (parent) {
        m_parent.emplace(pid, *parent);
    }
    return parent;
}

// Lists /proc, learns the parent of each new PID, forgets PIDs that are gone, then walks down from the
// root. A process re-parented to us (we are a subreaper, see command.cpp) is found by its new parent.
void ProcessTree::rescan() {
    m_listed.clear();
    if (DIR* dir = ::opendir(m_proc_root.c_str())) {
        while (const dirent* entry = ::readdir(dir)) {
            if (const auto pid = pid_from_name(entry->d_name)) {
                m_listed.push_back(*pid);
            }
        }
        ::closedir(dir);
    }
    std::sort(m_listed.begin(), m_listed.end());
    std::erase_if(m_parent, [this](const auto& entry) {
        return !std::binary_search(m_listed.begin(), m_listed.end(), entry.first);
    });
    // (parent, child) pairs sorted by parent: each level of the walk is one equal_range.
    m_edges.clear();
    for (const pid_t pid : m_listed) {
        if (const auto parent = parent_of(pid); parent && pid != m_root) {
            m_edges.emplace_back(*parent, pid);
        }
    }
    std::sort(m_edges.begin(), m_edges.end());
    m_wanted.assign(1, m_root);
    for (std::size_t at = 0; at < m_wanted.size(); ++at) {
        const pid_t parent = m_wanted[at];
        auto [from, to] = std::equal_range(m_edges.begin(), m_edges.end(), std::pair<pid_t, pid_t>(parent, 0),
                                           [](const auto& a, const auto& b) { return a.first < b.first; });
        for (; from != to; ++from) {
            m_wanted.push_back(from->second);
        }
    }
    std::sort(m_wanted.begin(), m_wanted.end());
    // Keep the readers of members still wanted (their descriptors stay open), open the new ones.
    m_next.clear();
    for (const pid_t pid : m_wanted) {
        const auto kept = std::find_if(m_readers.begin(), m_readers.end(),
                                       [pid](const ProcessReader& reader) { return reader.pid() == pid; });
        if (kept != m_readers.end()) {
            m_next.push_back(std::move(*kept));
        } else if (ProcessReader reader; reader.open(pid, m_proc_root.c_str())) {
            m_next.push_back(std::move(reader));
        }
    }
    std::swap(m_readers, m_next);
}

TreeSample ProcessTree::sample(std::chrono::nanoseconds now, bool with_smaps) {
    // A new tree forks early (sh -c, make): in its first second it is scanned at every sample.
    if (!m_first_sample) {
        m_first_sample = now;
    }
    const bool young = now - *m_first_sample < std::chrono::seconds(1);
    if (m_include_children && (!m_last_scan || young || now - *m_last_scan >= m_rescan_every)) {
        rescan();
        m_last_scan = now;
    }
    TreeSample tree;
    std::uint64_t pss = 0;
    std::uint64_t uss = 0;
    bool smaps_complete = with_smaps;
    for (ProcessReader& reader : m_readers) {
        const auto figures = reader.read();
        if (!figures) {
            continue;  // gone between listing and reading: skipped
        }
        tree.root_alive = tree.root_alive || reader.pid() == m_root;
        add_sample(tree, *figures);
        if (with_smaps) {
            if (const auto smaps = reader.read_smaps()) {
                pss += smaps->pss_bytes;
                uss += smaps->uss_bytes;
            } else {
                smaps_complete = false;
                tree.smaps_denied = tree.smaps_denied || reader.permission_denied();
            }
        }
    }
    if (smaps_complete) {
        tree.pss_bytes = pss;
        tree.uss_bytes = uss;
    }
    return tree;
}

std::vector<pid_t> ProcessTree::members() const {
    std::vector<pid_t> pids;
    for (const ProcessReader& reader : m_readers) {
        pids.push_back(reader.pid());
    }
    return pids;
}

}  // namespace leakdemo
