#include "watch/watch_explain.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "util/units.hpp"

namespace leakdemo {
namespace {

constexpr std::uint64_t notable_bytes = std::uint64_t{1} << 20;  // below 1 MiB a change is not worth a note
constexpr std::uint64_t plateau_samples = 20;

std::int64_t grown(std::uint64_t now, std::uint64_t then) {
    return static_cast<std::int64_t>(now) - static_cast<std::int64_t>(then);
}

}  // namespace

std::vector<std::string> WatchExplainer::explain(const WatchRecord& r) {
    std::vector<std::string> notes;
    if (!m_first) {
        m_first = r;
        m_peak_rss = m_plateau_low = m_plateau_high = r.rss_bytes;
        m_previous_pss = r.pss_bytes;
        return notes;
    }
    const std::int64_t anon = grown(r.rss_anon_bytes, m_first->rss_anon_bytes);
    const std::int64_t file = grown(r.rss_file_bytes, m_first->rss_file_bytes);
    if (!m_told_anon && anon >= static_cast<std::int64_t>(notable_bytes) && anon > file) {
        m_told_anon = true;
        notes.push_back(
            fmt::format("anonymous pages grew by {} since the first sample (file-backed: {}): memory "
                        "the program wrote itself, such as its heap, not files it mapped",
                        format_bytes(std::uint64_t(anon)), format_signed_bytes(file)));
    }
    if (!m_told_file && file >= static_cast<std::int64_t>(notable_bytes) && file > anon) {
        m_told_file = true;
        notes.push_back(
            fmt::format("file-backed pages grew by {} (anonymous: {}): files read or mapped into "
                        "memory; the kernel can drop these, so this is not a heap leak",
                        format_bytes(std::uint64_t(file)), format_signed_bytes(anon)));
    }
    m_peak_rss = std::max(m_peak_rss, r.rss_bytes);
    // VmHWM comes from the kernel's approximate counters and can read a few hundred KiB below the peak RSS a
    // sample saw (MEMORY-FACTS): what the note says is that it stayed up while RSS fell.
    if (!m_told_hwm && m_peak_rss >= r.rss_bytes + notable_bytes &&
        r.hwm_bytes >= r.rss_bytes + notable_bytes) {
        m_told_hwm = true;
        notes.push_back(
            fmt::format("RSS fell to {} from a peak of {}, but VmHWM stays at {}: the high-water mark "
                        "never goes down, current RSS does",
                        format_bytes(r.rss_bytes), format_bytes(m_peak_rss), format_bytes(r.hwm_bytes)));
    }
    // PSS is read at most every --pss-interval and repeated in between: compare it with RSS only when fresh.
    const bool fresh_pss = r.pss_bytes && r.pss_bytes != m_previous_pss;
    m_previous_pss = r.pss_bytes;
    if (!m_told_pss && fresh_pss && *r.pss_bytes + notable_bytes <= r.rss_bytes) {
        m_told_pss = true;
        notes.push_back(
            fmt::format("PSS {} is below RSS {}: some resident pages are shared with other processes "
                        "(libraries, forked copies), and PSS counts each only in part",
                        format_bytes(*r.pss_bytes), format_bytes(r.rss_bytes)));
    }
    // A plateau: RSS grew by at least 1 MiB since the start, then stayed within 1 % for 20 samples.
    if (r.rss_bytes > m_plateau_high + m_plateau_high / 100 ||
        r.rss_bytes + m_plateau_low / 100 < m_plateau_low) {
        m_plateau_low = m_plateau_high = r.rss_bytes;
        m_plateau_samples = 0;
    }
    ++m_plateau_samples;
    if (!m_told_plateau && m_plateau_samples == plateau_samples &&
        r.rss_bytes >= m_first->rss_bytes + notable_bytes) {
        m_told_plateau = true;
        notes.push_back(
            fmt::format("RSS has stayed at {} (within 1%) for the last {} samples after growing by {}: "
                        "a plateau, as a cache that has filled up shows",
                        format_bytes(r.rss_bytes), plateau_samples,
                        format_signed_bytes(grown(r.rss_bytes, m_first->rss_bytes))));
    }
    return notes;
}

}  // namespace leakdemo
