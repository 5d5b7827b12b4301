#include "live/key_gate.hpp"

#include <poll.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <ctime>
#include <initializer_list>

#include "measure/signals.hpp"

namespace leakdemo {
namespace {

// The signals that end a wait early: the stop signals, Ctrl-Z and fg, and a resize.
sigset_t waking_signals() {
    sigset_t set = stop_signal_set();
    for (const int signal_number : {SIGTSTP, SIGCONT, SIGWINCH}) {
        sigaddset(&set, signal_number);
    }
    return set;
}

}  // namespace

bool KeyGate::wait_for_step() {
    // The tick is one interval after the previous one; a tick already past is skipped (one interval from
    // now), as run_loop does. Computed afresh after every wake, so + and - take effect at once.
    const std::chrono::nanoseconds now = m_clock.now();
    if (!m_started) {
        m_started = true;
        m_previous = now - m_controls.interval();  // iteration 1 runs at once
    } else if (m_previous + m_controls.interval() <= now) {
        m_previous = now;
    }
    while (true) {
        if (stop_signal() != 0 || m_controls.quit()) {
            return false;
        }
        if (m_controls.paused()) {
            wait_until(now, true);
            if (!m_controls.paused()) {
                m_previous = m_clock.now() - m_controls.interval();  // resumed: the next iteration at once
            }
            continue;
        }
        if (wait_until(m_previous + m_controls.interval(), false)) {
            m_previous += m_controls.interval();
            return !m_controls.quit() && stop_signal() == 0;
        }
    }
}

void KeyGate::wait_to_leave() {
    m_ended = true;
    while (!m_leave && stop_signal() == 0) {
        wait_until(m_clock.now(), true);
    }
}

bool KeyGate::wait_until(std::chrono::nanoseconds deadline, bool forever) {
    // As MonotonicClock::sleep_until: the signals stay blocked while the flags are checked and are let in
    // only inside ppoll, so one that lands in between still ends the wait at once.
    const sigset_t waking = waking_signals();
    sigset_t previous;
    sigprocmask(SIG_BLOCK, &waking, &previous);
    sigset_t while_waiting = previous;
    for (const int signal_number : {SIGINT, SIGTERM, SIGHUP, SIGTSTP, SIGCONT, SIGWINCH}) {
        sigdelset(&while_waiting, signal_number);
    }
    bool passed = false;
    if (stop_signal() == 0) {
        const auto remaining = deadline - m_clock.now();
        if (!forever && remaining <= std::chrono::nanoseconds::zero()) {
            passed = true;
        } else {
            timespec timeout{};
            timeout.tv_sec = static_cast<time_t>(remaining.count() / 1'000'000'000);
            timeout.tv_nsec = static_cast<long>(remaining.count() % 1'000'000'000);
            pollfd input{m_in_fd, POLLIN, 0};
            const int ready = ::ppoll(&input, 1, forever ? nullptr : &timeout, &while_waiting);
            passed = ready == 0;
            if (ready > 0 && (input.revents & (POLLHUP | POLLERR | POLLNVAL)) != 0) {
                hang_up();
            } else if (ready > 0) {
                read_keys();
            }
        }
    }
    sigprocmask(SIG_SETMASK, &previous, nullptr);
    if (!passed) {
        handle_job_control();
        m_screen.draw();  // a key, a resize, fg: the screen answers at once
    }
    return passed;
}

void KeyGate::read_keys() {
    std::array<char, 64> keys{};
    const ssize_t got = ::read(m_in_fd, keys.data(), keys.size());
    if (got <= 0 && m_ended && !(got < 0 && (errno == EINTR || errno == EAGAIN))) {
        hang_up();  // readable yet nothing to read: the end of input
        return;
    }
    for (ssize_t i = 0; i < got; ++i) {
        key(keys[static_cast<std::size_t>(i)]);
    }
}

void KeyGate::key(char pressed) {
    constexpr char end_of_input = '\x04';  // Ctrl-D
    if (!m_ended) {
        m_controls.press(pressed);
    } else if (pressed == 'q' || pressed == end_of_input) {
        m_leave = true;
    } else {
        m_screen.key_ignored(pressed);
    }
}

// The terminal is gone: nobody is left to press q.
void KeyGate::hang_up() {
    if (m_ended) {
        m_leave = true;
    } else {
        m_controls.press('q');
    }
}

void KeyGate::handle_job_control() {
    if (take_suspend_request()) {
        m_terminal.suspend();  // Ctrl-Z: the shell gets its terminal back until fg
        take_continued();
    }
    if (take_continued()) {
        m_terminal.enter();  // SIGSTOP then SIGCONT from elsewhere: live's terminal state again
    }
}

}  // namespace leakdemo
