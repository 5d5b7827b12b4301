#include "measure/clock.hpp"

#include <poll.h>
#include <signal.h>

#include <cerrno>
#include <ctime>
#include <initializer_list>

#include "measure/signals.hpp"

namespace leakdemo {

std::chrono::nanoseconds MonotonicClock::now() {
    timespec now{};
    ::clock_gettime(CLOCK_MONOTONIC, &now);
    return std::chrono::seconds(now.tv_sec) + std::chrono::nanoseconds(now.tv_nsec);
}

bool MonotonicClock::sleep_until(std::chrono::nanoseconds deadline) {
    // Block the stop signals, check the flag, then let ppoll() unblock them atomically while it waits:
    // a signal that lands between the check and the wait still ends the wait at once.
    const sigset_t stop_signals = stop_signal_set();
    sigset_t previous;
    sigprocmask(SIG_BLOCK, &stop_signals, &previous);
    sigset_t while_waiting = previous;
    for (const int signal_number : {SIGINT, SIGTERM, SIGHUP}) {
        sigdelset(&while_waiting, signal_number);
    }

    bool slept_fully = true;
    while (true) {
        if (stop_signal() != 0) {
            slept_fully = false;
            break;
        }
        const auto remaining = deadline - now();
        if (remaining <= std::chrono::nanoseconds::zero()) {
            break;
        }
        timespec timeout{};
        timeout.tv_sec = static_cast<time_t>(remaining.count() / 1'000'000'000);
        timeout.tv_nsec = static_cast<long>(remaining.count() % 1'000'000'000);
        ::ppoll(nullptr, 0, &timeout, &while_waiting);  // EINTR on a signal; the loop re-checks
    }
    sigprocmask(SIG_SETMASK, &previous, nullptr);
    return slept_fully;
}

}  // namespace leakdemo
