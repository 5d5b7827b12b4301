#include "check/checker_run.hpp"

#include <poll.h>

#include <csignal>
#include <variant>

#include "compare/decode.hpp"
#include "measure/signals.hpp"

namespace leakdemo {
namespace {

// The stop signals and job control blocked while the child runs; ppoll unblocks them only while it waits.
class BlockedSignals {
  public:
    BlockedSignals() {
        sigset_t blocked = stop_signal_set();
        sigaddset(&blocked, SIGTSTP);
        sigaddset(&blocked, SIGCONT);
        ::sigprocmask(SIG_BLOCK, &blocked, &m_original);
    }
    ~BlockedSignals() { ::sigprocmask(SIG_SETMASK, &m_original, nullptr); }
    BlockedSignals(const BlockedSignals&) = delete;
    BlockedSignals& operator=(const BlockedSignals&) = delete;
    const sigset_t& original() const { return m_original; }

  private:
    sigset_t m_original{};
};

void take_line(CheckerRun& run, const std::string& line) {
    auto decoded = decode_record_line(line);
    if (!decoded) {
        if (run.bad_line.empty()) {
            run.bad_line = line.substr(0, 200);
        }
        return;
    }
    if (auto* summary = std::get_if<Summary>(&decoded.value())) {
        run.summary = *summary;
    }
}

// Sleeps until the child writes, ends, a signal arrives, or `left` passes (50 ms naps once its pipes are
// closed but it is not reaped yet).
void wait_for(Child& child, const sigset_t& unblocked, std::chrono::nanoseconds left) {
    pollfd fds[2];
    nfds_t count = 0;
    for (const int fd : {child.out_fd, child.err_fd}) {
        if (fd >= 0) {
            fds[count++] = pollfd{fd, POLLIN, 0};
        }
    }
    if (child.ending()) {
        left = std::min<std::chrono::nanoseconds>(left, std::chrono::milliseconds(50));
    }
    const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(left);
    const timespec wait_time{static_cast<time_t>(seconds.count()),
                             static_cast<long>((left - seconds).count())};
    ::ppoll(fds, count, &wait_time, &unblocked);
}

}  // namespace

CheckerRun run_checker(const std::vector<std::string>& args, const ExecTarget& target,
                       std::chrono::nanoseconds timeout, const CheckerTick& tick) {
    CheckerRun run;
    install_job_control_handlers();
    const BlockedSignals blocked;
    // One child; the pair's destructor kills and reaps it on every way out, exceptions included.
    ChildPair children;
    Child& child = children[0];
    spawn(child, args, blocked.original(), target);
    const auto started = std::chrono::steady_clock::now();
    const auto deadline = started + timeout;
    auto next_tick = started;
    while (!child.done()) {
        if (const int signal_number = stop_signal(); signal_number != 0 && run.stop_signal == 0) {
            run.stop_signal = signal_number;  // the checker's answer is no longer wanted
            children.signal_running(SIGKILL);
        }
        // Ctrl-Z reaches check alone (the child has its own process group): stop it too, resume it with us.
        if (take_suspend_request()) {
            children.signal_running(SIGSTOP);
            suspend_self();
            children.signal_running(SIGCONT);
        }
        if (take_continued()) {
            children.signal_running(SIGCONT);
        }
        const auto now = std::chrono::steady_clock::now();
        if (now >= deadline && !run.timed_out && run.stop_signal == 0) {
            run.timed_out = true;
            children.signal_running(SIGKILL);
        }
        if (tick && now >= next_tick) {
            tick(now - started);
            next_tick = now + std::chrono::seconds(1);  // not +=: after a Ctrl-Z, no burst of redraws
        }
        const auto until = tick ? std::min(deadline, next_tick) : deadline;
        wait_for(child, blocked.original(),
                 std::max<std::chrono::nanoseconds>(until - now, std::chrono::milliseconds(50)));
        read_available(child, [&run](const std::string& line) { take_line(run, line); });
        try_reap(child);
    }
    run.child = child;
    return run;
}

}  // namespace leakdemo
