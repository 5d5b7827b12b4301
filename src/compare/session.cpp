// compare's event loop: both children's pipes polled with ppoll, their lines decoded and merged, stop
// signals forwarded, and the partner of a child that ended badly stopped.
#include "compare/session.hpp"

#include <fmt/format.h>
#include <poll.h>

#include <chrono>
#include <csignal>
#include <utility>
#include <variant>
#include <vector>

#include "compare/child_arguments.hpp"
#include "compare/child_process.hpp"
#include "compare/compare_view.hpp"
#include "compare/decode.hpp"
#include "measure/signals.hpp"
#include "util/error.hpp"
#include "util/exit_code.hpp"

namespace leakdemo {
namespace {

// A child asked to stop (forwarded Ctrl-C, or its partner failed) gets this long before SIGKILL.
constexpr auto grace_period = std::chrono::seconds(2);

// Blocks the stop signals (SIGINT/SIGTERM/SIGHUP) and job control (SIGTSTP/SIGCONT) for the lifetime of the
// loop; ppoll unblocks them only while waiting, so a signal is never missed between checking its flag and
// going to sleep.
class BlockStopSignals {
  public:
    BlockStopSignals() {
        sigset_t blocked = stop_signal_set();
        sigaddset(&blocked, SIGTSTP);
        sigaddset(&blocked, SIGCONT);
        ::sigprocmask(SIG_BLOCK, &blocked, &m_original);
    }
    ~BlockStopSignals() { ::sigprocmask(SIG_SETMASK, &m_original, nullptr); }
    BlockStopSignals(const BlockStopSignals&) = delete;
    BlockStopSignals& operator=(const BlockStopSignals&) = delete;
    const sigset_t& original() const { return m_original; }

  private:
    sigset_t m_original{};
};

class CompareSession {
  public:
    CompareSession(const Options& options, Comparison& comparison, RowMerger& merger)
        : m_options(options), m_comparison(comparison), m_merger(merger) {}

    SessionEnd run() {
        install_job_control_handlers();
        const BlockStopSignals blocked;
        for (std::size_t side = 0; side < 2; ++side) {
            spawn(m_children[side], compare_child_arguments(m_options, m_options.compare_modes[side]),
                  blocked.original());
        }
        while (!m_children[0].done() || !m_children[1].done()) {
            if (const int signal_number = stop_signal(); signal_number != 0 && m_end.stop_signal == 0) {
                m_end.stop_signal = signal_number;
                stop_children(signal_number);
            }
            follow_job_control();
            if (m_kill_deadline && std::chrono::steady_clock::now() >= *m_kill_deadline) {
                m_children.signal_running(SIGKILL);
                m_kill_deadline.reset();
            }
            wait_for_input(blocked.original());
            for (std::size_t side = 0; side < 2; ++side) {
                read_available(m_children[side],
                               [this, side](const std::string& line) { take_line(side, line); });
                if (try_reap(m_children[side])) {
                    judge_end(side);
                }
            }
        }
        // What is left one-sided (a child that stopped early), the last notes, the summaries; the children
        // are gone, so a closed stdout here only ends the output.
        guarded([this] { m_merger.finish(); });
        return std::move(m_end);
    }

  private:
    // Ctrl-Z reaches compare alone (each child has its own process group): stop both children, then
    // compare itself; on SIGCONT (fg, bg, kill -CONT) resume both, so none keeps allocating unwatched.
    void follow_job_control() {
        if (take_suspend_request()) {
            m_children.signal_running(SIGSTOP);
            suspend_self();
            m_children.signal_running(SIGCONT);
        }
        if (take_continued()) {
            m_children.signal_running(SIGCONT);  // compare was stopped by SIGSTOP, or resumed again
        }
    }

    void stop_children(int signal_number) {
        m_stopping = true;
        m_children.signal_running(signal_number);
        m_kill_deadline = std::chrono::steady_clock::now() + grace_period;
    }

    void fail(std::string message) {
        if (!m_end.failure) {
            m_end.failure = std::move(message);
        }
        if (!m_stopping) {
            stop_children(SIGTERM);
        }
    }

    void wait_for_input(const sigset_t& unblocked) {
        std::vector<pollfd> fds;
        // Short naps while a grace period runs or a child closed its pipes but is not reaped yet; otherwise
        // sleep until output, end of file (a child's exit closes its pipes) or a signal.
        bool nap = m_kill_deadline.has_value();
        for (Child& child : m_children.all()) {
            for (const int fd : {child.out_fd, child.err_fd}) {
                if (fd >= 0) {
                    fds.push_back(pollfd{fd, POLLIN, 0});
                }
            }
            nap = nap || child.ending();
        }
        const timespec nap_time{0, 50'000'000};
        ::ppoll(fds.data(), fds.size(), nap ? &nap_time : nullptr, &unblocked);
    }

    void take_line(std::size_t side, const std::string& line) {
        ReportSeries& run = m_comparison.runs[side];
        auto decoded = decode_record_line(line);
        if (!decoded) {
            fail(fmt::format("compare: the {} child wrote {}", to_string(run.mode), decoded.error()));
            return;
        }
        if (auto* record = std::get_if<Record>(&decoded.value())) {
            run.samples.add(*record);
            guarded([this, side, record] { m_merger.add_record(side, *record); });
            grant_steps();
        } else if (auto* summary = std::get_if<Summary>(&decoded.value())) {
            run.summary = *summary;
        } else if (auto* note = std::get_if<NoteLine>(&decoded.value())) {
            run.notes.add(note->iteration, note->text);
            guarded([this, side, &run, note] {
                m_merger.add_note(side, run.mode, note->iteration, std::move(note->text));
            });
        }
        // Other record types (added later) are not compare's business.
    }

    // Lock-step: iteration k + 1 may start in both children once both reported iteration k (its row is out),
    // so neither is ever more than one iteration ahead and every row has both sides. No more steps once
    // compare is stopping the children.
    void grant_steps() {
        while (!m_stopping && m_steps_granted < m_merger.rows_emitted()) {
            ++m_steps_granted;
            for (Child& child : m_children.all()) {
                grant_step(child);
            }
        }
    }

    // The reader of our stdout went away (`| head`): stop the children, end quietly with what we have.
    template <typename Action>
    void guarded(Action action) {
        if (m_end.output_closed) {
            return;
        }
        try {
            action();
        } catch (const OutputClosed&) {
            m_end.output_closed = true;
            if (!m_stopping) {
                stop_children(SIGTERM);
            }
        }
    }

    // A child was reaped: was that its end by design, or a failure to stop its partner for?
    void judge_end(std::size_t side) {
        const Child& child = m_children[side];
        if (m_stopping || exited_with(child, 0)) {
            return;
        }
        const std::string what = fmt::format("compare: the {} child {}",
                                             to_string(m_options.compare_modes[side]), describe_end(child));
        if (exited_with(child, to_int(ExitCode::stopped_early))) {
            // Its guard (or a failed malloc) ended it after it wrote its summary: stop the other one the way
            // Ctrl-C would, so both report, and end as a single run would (exit 3).
            m_end.stop_message = what;
            stop_children(SIGTERM);
            return;
        }
        fail(what);
    }

    const Options& m_options;
    Comparison& m_comparison;
    RowMerger& m_merger;
    ChildPair m_children;
    SessionEnd m_end;
    bool m_stopping = false;
    std::uint64_t m_steps_granted = 0;  // iterations 1 .. m_steps_granted may start
    std::optional<std::chrono::steady_clock::time_point> m_kill_deadline;
};

}  // namespace

SessionEnd run_session(const Options& options, Comparison& comparison, RowMerger& merger) {
    return CompareSession(options, comparison, merger).run();
}

}  // namespace leakdemo
