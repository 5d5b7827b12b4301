#pragma once

// The sampling loop of `leakdemo watch`: one sample of the tree every --interval, the guard's look at
// least every 50 ms, the stop signals forwarded, the limits (-n, --duration), and the summary.
#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "cli/options.hpp"
#include "measure/clock.hpp"
#include "measure/memory_guard.hpp"
#include "measure/watch_record.hpp"
#include "watch/command.hpp"
#include "watch/process_tree.hpp"
#include "watch/rate.hpp"
#include "watch/watch_explain.hpp"
#include "watch/watch_output.hpp"

namespace leakdemo {

struct WatchEnd {
    WatchSummary summary;
    int exit_code = 0;
    std::string stop_message;    // one line for stderr (the guard), or empty
    bool output_closed = false;  // the reader of stdout went away
};

class WatchSession {
  public:
    // `command` is null with --pid. `guard` may be null (--no-guard, or no figure readable).
    WatchSession(const Options& options, pid_t pid, WatchedCommand* command, MemoryGuard* guard, Clock& clock,
                 WatchSink& sink);
    WatchEnd run();

  private:
    bool take_sample(std::chrono::nanoseconds now, bool emit);
    void check_guard(std::chrono::nanoseconds now, std::uint64_t rss_bytes);
    void on_stop_signal(int signal_number);
    void follow_job_control();
    bool limit_reached(std::chrono::nanoseconds now) const;
    bool wait_until(std::chrono::nanoseconds deadline);
    void finish(WatchEnd& end);
    double figure(const WatchRecord& record) const;

    const Options& m_options;
    pid_t m_pid;
    WatchedCommand* m_command;
    MemoryGuard* m_guard;
    Clock& m_clock;
    WatchSink& m_sink;
    ProcessTree m_tree;
    RateSeries m_series;
    WatchExplainer m_explainer;
    WatchSummary m_summary;
    std::optional<WatchRecord> m_first;
    WatchRecord m_last;
    std::optional<std::uint64_t> m_last_pss;
    std::optional<std::uint64_t> m_last_uss;
    std::optional<std::chrono::nanoseconds> m_last_smaps;
    std::chrono::nanoseconds m_start{};
    std::chrono::nanoseconds m_paused{};  // stopped with watch (Ctrl-Z): not running time
    std::uint64_t m_next_iteration = 0;
    int m_forwarded_signal = 0;
    bool m_guard_stopped = false;
    bool m_guard_warned = false;
    bool m_smaps_warned = false;
    bool m_limit = false;
    std::string m_stop_message;
    int m_pidfd = -1;
};

}  // namespace leakdemo
