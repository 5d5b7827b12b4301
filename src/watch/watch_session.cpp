#include "watch/watch_session.hpp"

#include <fmt/format.h>
#include <poll.h>
#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "measure/signals.hpp"
#include "output/output.hpp"
#include "util/error.hpp"
#include "util/units.hpp"
#include "watch/signal_wait.hpp"

namespace leakdemo {
namespace {

using std::chrono::nanoseconds;
constexpr nanoseconds guard_period = std::chrono::milliseconds(50);
constexpr std::chrono::milliseconds kill_grace{2000};

// SIGTERM to a process that is not ours (--pid --kill-on-budget), SIGKILL if it is still there 2 s later.
void stop_foreign(pid_t pid, int pidfd) {
    ::kill(pid, SIGTERM);
    pollfd probe{pidfd, POLLIN, 0};
    if (pidfd < 0 || ::poll(&probe, 1, static_cast<int>(kill_grace.count())) <= 0) {
        ::kill(pid, SIGKILL);
    }
}

}  // namespace

WatchSession::WatchSession(const Options& options, pid_t pid, WatchedCommand* command, MemoryGuard* guard,
                           Clock& clock, WatchSink& sink)
    : m_options(options),
      m_pid(pid),
      m_command(command),
      m_guard(guard),
      m_clock(clock),
      m_sink(sink),
      m_tree(pid, options.watch.include_children) {
    m_pidfd = command != nullptr ? command->exit_fd() : static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
    m_summary.pid = static_cast<std::uint64_t>(pid);
    m_summary.metric = options.watch.metric;
    m_summary.leak_rate_bytes_per_s = options.watch.leak_rate_bytes_per_s;
    if (guard != nullptr) {
        m_summary.budget_bytes = guard->budget().bytes;
    }
}

double WatchSession::figure(const WatchRecord& record) const {
    switch (m_options.watch.metric) {
        case Metric::pss:
            return static_cast<double>(record.pss_bytes.value_or(record.rss_bytes));
        case Metric::uss:
            return static_cast<double>(record.uss_bytes.value_or(record.rss_bytes));
        case Metric::rss:
            break;
    }
    return static_cast<double>(record.rss_bytes);
}

void WatchSession::check_guard(nanoseconds /*now*/, std::uint64_t rss_bytes) {
    if (m_guard == nullptr || m_guard_stopped || !m_guard->refuse(rss_bytes, 0)) {
        return;
    }
    const std::string why =
        fmt::format("the watched tree's RSS of {} passed the budget of {} ({})", format_bytes(rss_bytes),
                    format_bytes(m_guard->budget().bytes), m_guard->budget().source);
    if (m_command == nullptr && !m_options.watch.kill_on_budget) {
        if (!m_guard_warned) {
            m_guard_warned = true;
            print_stderr(
                fmt::format("leakdemo: warning: guard: {}; PID {} is not ours, so it keeps running "
                            "(--kill-on-budget stops it)\n",
                            why, m_pid));
        }
        return;
    }
    m_guard_stopped = true;
    m_stop_message = fmt::format("guard: stopped PID {}: {}", m_pid, why);
}

bool WatchSession::take_sample(nanoseconds now, bool emit) {
    const bool smaps_due = emit && (!m_last_smaps || now - *m_last_smaps >= m_options.watch.pss_interval);
    const TreeSample tree = m_tree.sample(now, smaps_due);
    if (!tree.root_alive) {
        return false;
    }
    check_guard(now, tree.sum.rss_bytes);
    if (!emit) {
        return true;
    }
    if (smaps_due) {
        m_last_smaps = now;
        m_last_pss = tree.pss_bytes;  // repeated until the next read (--pss-interval)
        m_last_uss = tree.uss_bytes;
        if (tree.smaps_denied && !m_smaps_warned) {
            m_smaps_warned = true;
            print_stderr(
                "leakdemo: warning: smaps_rollup is not readable for every watched process (another "
                "user's?): pss_bytes and uss_bytes are empty\n");
        }
    }
    WatchRecord r;
    r.iteration = m_next_iteration++;
    r.elapsed_ns = (now - m_start).count();
    r.pid = static_cast<std::uint64_t>(m_pid);
    r.processes = tree.processes;
    r.rss_bytes = tree.sum.rss_bytes;
    r.hwm_bytes = tree.sum.hwm_bytes;
    r.vsz_bytes = tree.sum.vsz_bytes;
    r.rss_anon_bytes = tree.sum.rss_anon_bytes;
    r.rss_file_bytes = tree.sum.rss_file_bytes;
    r.rss_shmem_bytes = tree.sum.rss_shmem_bytes;
    r.pss_bytes = m_last_pss;
    r.uss_bytes = m_last_uss;
    r.minor_faults = tree.sum.minor_faults;
    r.major_faults = tree.sum.major_faults;
    // The rate is judged on running time: a tree stopped with watch (Ctrl-Z) grew by nothing meanwhile.
    m_series.add(static_cast<double>(r.elapsed_ns - m_paused.count()) / 1e9, figure(r));
    if (m_summary.budget_bytes) {
        r.budget_eta_s = seconds_to_budget(r.rss_bytes, *m_summary.budget_bytes, m_series.recent_slope());
    }
    if (!m_first) {
        m_first = r;
    }
    m_last = r;
    m_summary.peak_rss_bytes = std::max(m_summary.peak_rss_bytes, r.rss_bytes);
    if (r.pss_bytes) {
        m_summary.peak_pss_bytes = std::max(m_summary.peak_pss_bytes.value_or(0), *r.pss_bytes);
    }
    m_summary.hwm_bytes = std::max(m_summary.hwm_bytes, r.hwm_bytes);
    m_summary.max_processes = std::max(m_summary.max_processes, r.processes);
    m_sink.record(r);
    if (m_options.explain) {
        for (const std::string& note : m_explainer.explain(r)) {
            m_sink.note(r.iteration, note);
        }
    }
    return true;
}

void WatchSession::on_stop_signal(int signal_number) {
    m_forwarded_signal = signal_number;
    if (m_command != nullptr) {
        m_command->signal_all(signal_number, m_tree.members());
    }
}

// Ctrl-Z reaches watch alone (COMMAND has its own process group): stop the tree, then watch itself; on
// SIGCONT (fg, bg) resume the tree, so it never runs unwatched, and keep the stopped time out of the rate.
// A --pid process is not ours: watch stops alone, and the process's growth meanwhile is real.
void WatchSession::follow_job_control() {
    if (take_suspend_request()) {
        const nanoseconds stopped_at = m_clock.now();
        if (m_command != nullptr) {
            m_command->signal_all(SIGSTOP, m_tree.members());
        }
        suspend_self();
        if (m_command != nullptr) {
            m_command->signal_all(SIGCONT, m_tree.members());
            m_paused += m_clock.now() - stopped_at;
        }
    }
    if (take_continued() && m_command != nullptr) {
        m_command->signal_all(SIGCONT, m_tree.members());  // watch was stopped by SIGSTOP, or resumed again
    }
}

bool WatchSession::limit_reached(nanoseconds now) const {
    const auto& iterations = m_options.iterations;
    const auto& duration = m_options.watch.duration;
    return (iterations && m_next_iteration >= *iterations) || (duration && now - m_start >= *duration);
}

// Sleeps until `deadline`, or until the watched process exits or a signal arrives. True when it exited.
// A signal that arrived since the loop last looked (during the sample) ends the wait at once, as does
// one that lands just before ppoll blocks (signal_wait.hpp).
bool WatchSession::wait_until(nanoseconds deadline) {
    if (m_pidfd < 0) {
        m_clock.sleep_until(deadline);
        return false;
    }
    static const sigset_t waking = watch_waking_signals();
    // A stop signal already forwarded is not news: the wait is then for COMMAND to exit.
    const auto woken = [this] {
        return (stop_signal() != 0 && m_forwarded_signal == 0) || job_control_pending();
    };
    return wait_readable_or_signal(m_pidfd, deadline - m_clock.now(), waking, woken) == WaitEnd::ready;
}

WatchEnd WatchSession::run() {
    WatchEnd end;
    m_start = m_clock.now();
    nanoseconds next_sample = m_start;
    const nanoseconds period = m_options.interval;
    try {
        while (true) {
            follow_job_control();  // first: the time below is after any stop
            const nanoseconds now = m_clock.now();
            if (const int signal_number = stop_signal(); signal_number != 0 && m_forwarded_signal == 0) {
                on_stop_signal(signal_number);
                if (m_command == nullptr) {
                    break;  // --pid: watch detaches; the process is not ours to stop
                }
            }
            const bool emit = now >= next_sample;
            if (!take_sample(now, emit) || m_guard_stopped) {
                break;
            }
            if (emit) {
                while (next_sample <= now) {  // a missed tick is skipped, not caught up
                    next_sample += period;
                }
            }
            if (limit_reached(now)) {
                m_limit = true;
                break;
            }
            if (m_command != nullptr && m_command->try_reap()) {
                break;
            }
            if (wait_until(std::min(next_sample, now + std::min(period, guard_period))) &&
                m_command == nullptr) {
                break;  // --pid: it exited
            }
        }
    } catch (const OutputClosed&) {
        end.output_closed = true;
    }
    finish(end);
    return end;
}

void WatchSession::finish(WatchEnd& end) {
    if (m_command != nullptr) {
        m_command->terminate(kill_grace, m_tree.members());  // at once if it already ended
    } else if (m_guard_stopped) {
        stop_foreign(m_pid, m_pidfd);
    }
    const RateJudgement judgement = m_series.judge(
        m_options.watch.leak_rate_bytes_per_s,
        m_options.watch.warmup ? std::optional(static_cast<double>(m_options.watch.warmup->count()) / 1e9)
                               : std::nullopt);
    WatchSummary& s = m_summary;
    s.samples = m_next_iteration;
    s.elapsed_s = static_cast<double>(m_last.elapsed_ns) / 1e9;
    s.verdict = judgement.verdict;
    s.slope_bytes_per_s = judgement.slope_bytes_per_s;
    s.warmup_s = judgement.warmup_s;
    s.rss_start_bytes = m_first ? m_first->rss_bytes : 0;
    s.rss_end_bytes = m_last.rss_bytes;
    if (s.budget_bytes) {
        s.budget_eta_s = seconds_to_budget(s.rss_end_bytes, *s.budget_bytes, judgement.slope_bytes_per_s);
    }
    int status = 0;
    if (m_command != nullptr) {
        status = m_command->exit_status();
        s.exit_status = static_cast<std::uint64_t>(status);
    }
    s.stop_reason = m_guard_stopped                              ? WatchStopReason::guard
                    : m_limit || end.output_closed               ? WatchStopReason::limit
                    : m_forwarded_signal != 0                    ? WatchStopReason::interrupted
                    : m_command && m_command->killed_by_signal() ? WatchStopReason::signaled
                                                                 : WatchStopReason::exited;
    end.summary = s;
    end.stop_message = m_stop_message;
    if (m_guard_stopped) {
        end.exit_code = 3;
    } else if (m_forwarded_signal != 0 && m_command == nullptr) {
        end.exit_code = 128 + m_forwarded_signal;
    } else if (m_command != nullptr && !m_limit && !end.output_closed) {
        end.exit_code = status;
    }
    if (end.exit_code == 0 && m_options.fail_on_leak && s.verdict == WatchVerdict::leaking) {
        end.exit_code = 4;
    }
    if (!end.output_closed) {
        try {
            m_sink.summary(s);
        } catch (const OutputClosed&) {
            end.output_closed = true;
        }
    }
}

}  // namespace leakdemo
