#include "measure/signals.hpp"

#include <signal.h>
#include <unistd.h>

#include <initializer_list>

namespace leakdemo {
namespace {

volatile sig_atomic_t g_stop_signal = 0;
volatile sig_atomic_t g_suspend_requested = 0;
volatile sig_atomic_t g_continued = 0;
volatile sig_atomic_t g_group_to_kill = 0;
void (*volatile g_before_exit)() = nullptr;

extern "C" void on_stop_signal(int signal_number) {
    if (g_stop_signal != 0) {
        // The second Ctrl-C: the user means it. The group of a command we started (watch) goes first, so
        // nothing is left running; then the hook (live puts the terminal back). kill and _exit are
        // async-signal-safe; every line already written went out whole in one write(2), so no output is
        // left half-written.
        if (g_group_to_kill > 0) {
            ::kill(-static_cast<pid_t>(g_group_to_kill), SIGKILL);
        }
        if (void (*hook)() = g_before_exit; hook != nullptr) {
            hook();
        }
        ::_exit(128 + signal_number);
    }
    g_stop_signal = signal_number;
}

extern "C" void on_job_control_signal(int signal_number) {
    if (signal_number == SIGTSTP) {
        g_suspend_requested = 1;
    } else {
        g_continued = 1;
    }
}

void set_handler(int signal_number, void (*handler)(int)) {
    struct sigaction action {};
    action.sa_handler = handler;
    sigemptyset(&action.sa_mask);
    action.sa_flags = 0;  // no SA_RESTART: a sleeping ppoll() must return EINTR
    sigaction(signal_number, &action, nullptr);
}

}  // namespace

void install_signal_handlers() {
    for (const int signal_number : {SIGINT, SIGTERM, SIGHUP}) {
        set_handler(signal_number, on_stop_signal);
    }
    set_handler(SIGPIPE, SIG_IGN);
}

void set_group_killed_on_second_signal(pid_t group) {
    g_group_to_kill = static_cast<sig_atomic_t>(group);
}

void set_before_exit_hook(void (*hook)()) {
    g_before_exit = hook;
}

int stop_signal() {
    return g_stop_signal;
}

sigset_t stop_signal_set() {
    sigset_t set;
    sigemptyset(&set);
    for (const int signal_number : {SIGINT, SIGTERM, SIGHUP}) {
        sigaddset(&set, signal_number);
    }
    return set;
}

ExitCode exit_code_for_stop_signal(int signal_number) {
    switch (signal_number) {
        case SIGTERM:
            return ExitCode::terminated;
        case SIGHUP:
            return ExitCode::hangup;
        default:
            return ExitCode::interrupted;
    }
}

void install_job_control_handlers() {
    set_handler(SIGTSTP, on_job_control_signal);
    set_handler(SIGCONT, on_job_control_signal);
}

bool take_suspend_request() {
    const bool requested = g_suspend_requested != 0;
    g_suspend_requested = 0;
    return requested;
}

bool take_continued() {
    const bool continued = g_continued != 0;
    g_continued = 0;
    return continued;
}

bool job_control_pending() {
    return g_suspend_requested != 0 || g_continued != 0;
}

void suspend_self() {
    // Raised while blocked, it waits; unblocked, its default action (stop) is taken before sigprocmask
    // returns, and we run on from here after SIGCONT.
    set_handler(SIGTSTP, SIG_DFL);
    sigset_t only_tstp;
    sigemptyset(&only_tstp);
    sigaddset(&only_tstp, SIGTSTP);
    sigset_t previous;
    sigprocmask(SIG_BLOCK, &only_tstp, &previous);
    ::raise(SIGTSTP);
    sigprocmask(SIG_UNBLOCK, &only_tstp, nullptr);
    sigprocmask(SIG_SETMASK, &previous, nullptr);
    set_handler(SIGTSTP, on_job_control_signal);
}

}  // namespace leakdemo
