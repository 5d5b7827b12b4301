#pragma once

// --explain for watch: says only what the figures show, each kind once: anon vs file pages grew, RSS fell
// but VmHWM stays, PSS below RSS because pages are shared, a plateau reached. It never guesses at the
// program's code: watch does not know what it allocates.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "measure/watch_record.hpp"

namespace leakdemo {

class WatchExplainer {
  public:
    std::vector<std::string> explain(const WatchRecord& current);

  private:
    std::optional<WatchRecord> m_first;
    std::uint64_t m_peak_rss = 0;
    std::optional<std::uint64_t> m_previous_pss;
    std::uint64_t m_plateau_low = 0;
    std::uint64_t m_plateau_high = 0;
    std::uint64_t m_plateau_samples = 0;
    bool m_told_anon = false;
    bool m_told_file = false;
    bool m_told_hwm = false;
    bool m_told_pss = false;
    bool m_told_plateau = false;
};

}  // namespace leakdemo
