#pragma once

// watch's one wait: for the watched process to exit (its pidfd), for a signal, or for the next tick.
#include <signal.h>

#include <chrono>
#include <functional>

namespace leakdemo {

enum class WaitEnd { ready, signal, timeout };

// Waits up to `timeout` for `fd` to become readable (no fd when negative) or for a signal in `waking`.
// The `waking` signals are blocked while `woken()` is asked (has a flag been set already?) and ppoll
// unblocks them atomically while it waits, so a signal that lands between that check and the wait ends
// the wait at once, not a timeout later. The signal mask is as before on return.
WaitEnd wait_readable_or_signal(int fd, std::chrono::nanoseconds timeout, const sigset_t& waking,
                                const std::function<bool()>& woken);

// The signals that end watch's wait: the stop signals, Ctrl-Z (SIGTSTP) and SIGCONT.
sigset_t watch_waking_signals();

}  // namespace leakdemo
