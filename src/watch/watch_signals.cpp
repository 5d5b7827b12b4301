#include "watch/watch_signals.hpp"

#include <signal.h>
#include <unistd.h>

#include <initializer_list>

namespace leakdemo {
namespace {

volatile sig_atomic_t g_signal = 0;
volatile sig_atomic_t g_group = 0;

extern "C" void on_watch_signal(int signal_number) {
    if (g_signal != 0) {
        if (g_group > 0) {
            ::kill(-static_cast<pid_t>(g_group), SIGKILL);
        }
        ::_exit(128 + signal_number);
    }
    g_signal = signal_number;
}

}  // namespace

void install_watch_signal_handlers() {
    struct sigaction action {};
    action.sa_handler = on_watch_signal;
    sigemptyset(&action.sa_mask);
    action.sa_flags = 0;
    for (const int signal_number : {SIGINT, SIGTERM, SIGHUP}) {
        sigaction(signal_number, &action, nullptr);
    }
}

void set_watched_group(pid_t group) {
    g_group = static_cast<sig_atomic_t>(group);
}

int watch_stop_signal() {
    return g_signal;
}

}  // namespace leakdemo
