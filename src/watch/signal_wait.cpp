#include "watch/signal_wait.hpp"

#include <poll.h>

#include <algorithm>
#include <ctime>
#include <initializer_list>

#include "measure/signals.hpp"

namespace leakdemo {

WaitEnd wait_readable_or_signal(int fd, std::chrono::nanoseconds timeout, const sigset_t& waking,
                                const std::function<bool()>& woken) {
    // Block, check, then wait with them unblocked by ppoll itself: no window in which a signal's handler
    // runs after the check but before the wait.
    sigset_t previous;
    ::sigprocmask(SIG_BLOCK, &waking, &previous);
    WaitEnd end = WaitEnd::signal;
    if (!woken()) {
        sigset_t while_waiting = previous;
        for (int signal_number = 1; signal_number < NSIG; ++signal_number) {
            if (::sigismember(&waking, signal_number) == 1) {
                ::sigdelset(&while_waiting, signal_number);
            }
        }
        const std::chrono::nanoseconds left = std::max(timeout, std::chrono::nanoseconds{0});
        const timespec wait_time{static_cast<time_t>(left.count() / 1'000'000'000),
                                 static_cast<long>(left.count() % 1'000'000'000)};
        pollfd probe{fd, POLLIN, 0};  // a negative fd is ignored by ppoll
        const int ready = ::ppoll(&probe, 1, &wait_time, &while_waiting);
        end = ready > 0 ? WaitEnd::ready : ready == 0 ? WaitEnd::timeout : WaitEnd::signal;
    }
    ::sigprocmask(SIG_SETMASK, &previous, nullptr);
    return end;
}

sigset_t watch_waking_signals() {
    sigset_t set = stop_signal_set();
    for (const int signal_number : {SIGTSTP, SIGCONT}) {
        sigaddset(&set, signal_number);
    }
    return set;
}

}  // namespace leakdemo
