#include "live/terminal_session.hpp"

#include <fmt/format.h>
#include <signal.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <initializer_list>
#include <string_view>

#include "measure/signals.hpp"
#include "util/error.hpp"

namespace leakdemo {
namespace {

// What the signal path needs, set before the terminal is changed: plain data, no locks.
termios g_saved{};
int g_in_fd = -1;
int g_out_fd = -1;
volatile sig_atomic_t g_entered = 0;

// The alternate screen and a hidden cursor on entry; shown again and the normal screen back on the way out.
constexpr std::string_view enter_sequence = "\x1b[?1049h\x1b[?25l\x1b[H\x1b[2J";
constexpr std::string_view leave_sequence = "\x1b[?25h\x1b[?1049l";

void write_all(int fd, std::string_view text) {
    while (!text.empty()) {
        const ssize_t written = ::write(fd, text.data(), text.size());
        if (written < 0 && errno == EINTR) {
            continue;
        }
        if (written <= 0) {
            return;
        }
        text.remove_prefix(static_cast<std::size_t>(written));
    }
}

// A crash (SIGSEGV, SIGABRT ...) while the screen is live: the terminal first, then the signal's own
// default action (SA_RESETHAND), so the exit status and a core dump are as they would have been.
extern "C" void on_fatal_signal(int signal_number) {
    restore_terminal_now();
    ::raise(signal_number);
}

void install_fatal_handlers() {
    for (const int signal_number : {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT}) {
        struct sigaction action {};
        action.sa_handler = on_fatal_signal;
        sigemptyset(&action.sa_mask);
        action.sa_flags =
            static_cast<int>(static_cast<unsigned>(SA_RESETHAND) | static_cast<unsigned>(SA_NODEFER));
        sigaction(signal_number, &action, nullptr);
    }
}

}  // namespace

void restore_terminal_now() {
    if (g_entered == 0) {
        return;
    }
    g_entered = 0;
    ::tcsetattr(g_in_fd, TCSANOW, &g_saved);
    write_all(g_out_fd, leave_sequence);
}

TerminalSession::TerminalSession(int in_fd, int out_fd) {
    if (::tcgetattr(in_fd, &g_saved) != 0) {
        throw Error(fmt::format("live: cannot read the terminal's settings: {}", std::strerror(errno)));
    }
    g_in_fd = in_fd;
    g_out_fd = out_fd;
    install_fatal_handlers();
    set_before_exit_hook(restore_terminal_now);  // the second Ctrl-C exits from its handler
    if (!enter()) {
        throw Error(fmt::format("live: cannot set the terminal's mode: {}", std::strerror(errno)));
    }
}

TerminalSession::~TerminalSession() {
    leave();
    set_before_exit_hook(nullptr);
}

bool TerminalSession::enter() {
    termios live = g_saved;
    live.c_lflag &= ~static_cast<tcflag_t>(ICANON | ECHO);  // ISIG stays: Ctrl-C, Ctrl-Z as usual
    live.c_cc[VMIN] = 0;  // read() returns what is there, never waits: ppoll does the waiting
    live.c_cc[VTIME] = 0;
    g_entered = 1;  // before the change, so a signal arriving in between restores it
    if (::tcsetattr(g_in_fd, TCSANOW, &live) != 0) {
        // At start this is an error (the constructor says so). Later (SIGCONT after a hangup: the terminal
        // is gone, EIO) the run just goes on without a screen and ends as the hangup says, files written.
        const int error = errno;
        restore_terminal_now();
        errno = error;
        return false;
    }
    write_all(g_out_fd, enter_sequence);
    return true;
}

void TerminalSession::leave() {
    restore_terminal_now();
}

void TerminalSession::suspend() {
    leave();
    suspend_self();  // returns after SIGCONT (fg)
    enter();
}

}  // namespace leakdemo
