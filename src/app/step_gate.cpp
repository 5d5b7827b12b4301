#include "app/step_gate.hpp"

#include <poll.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>

#include "measure/signals.hpp"

namespace leakdemo {

bool PipeStepGate::wait_for_step() {
    // As the clock's sleep: the stop signals are blocked while the flag is checked and unblocked only inside
    // ppoll(), so a signal that lands between the two still ends the wait at once.
    sigset_t stop_signals;
    sigemptyset(&stop_signals);
    sigaddset(&stop_signals, SIGINT);
    sigaddset(&stop_signals, SIGTERM);
    sigset_t previous;
    sigprocmask(SIG_BLOCK, &stop_signals, &previous);
    sigset_t while_waiting = previous;
    sigdelset(&while_waiting, SIGINT);
    sigdelset(&while_waiting, SIGTERM);

    bool may_step = false;
    while (stop_signal() == 0) {
        pollfd token{m_fd, POLLIN, 0};
        if (::ppoll(&token, 1, nullptr, &while_waiting) < 0) {
            if (errno == EINTR) {
                continue;  // the loop re-checks the stop flag
            }
            break;
        }
        char byte = 0;
        const ssize_t got = ::read(m_fd, &byte, 1);
        if (got < 0 && (errno == EINTR || errno == EAGAIN)) {
            continue;
        }
        may_step = got == 1;  // 0: the parent's end is closed
        break;
    }
    sigprocmask(SIG_SETMASK, &previous, nullptr);
    return may_step;
}

}  // namespace leakdemo
