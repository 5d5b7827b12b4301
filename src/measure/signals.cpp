#include "measure/signals.hpp"

#include <signal.h>
#include <unistd.h>

namespace leakdemo {
namespace {

volatile sig_atomic_t g_stop_signal = 0;

extern "C" void on_stop_signal(int signal_number) {
    if (g_stop_signal != 0) {
        // The second Ctrl-C: the user means it. _exit is async-signal-safe; every line already written
        // went out whole in one write(2), so no output is left half-written.
        ::_exit(128 + signal_number);
    }
    g_stop_signal = signal_number;
}

}  // namespace

void install_signal_handlers() {
    struct sigaction action {};
    action.sa_handler = on_stop_signal;
    sigemptyset(&action.sa_mask);
    action.sa_flags = 0;  // no SA_RESTART: a sleeping ppoll() must return EINTR
    sigaction(SIGINT, &action, nullptr);
    sigaction(SIGTERM, &action, nullptr);

    struct sigaction ignore {};
    ignore.sa_handler = SIG_IGN;
    sigemptyset(&ignore.sa_mask);
    sigaction(SIGPIPE, &ignore, nullptr);
}

int stop_signal() {
    return g_stop_signal;
}

}  // namespace leakdemo
