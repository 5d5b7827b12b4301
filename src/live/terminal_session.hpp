#pragma once

namespace leakdemo {

// The terminal as `leakdemo live` draws on it: the alternate screen, the cursor hidden, input
// non-canonical without echo (ISIG stays on, so Ctrl-C is still SIGINT and Ctrl-Z SIGTSTP). Everything it
// changes it takes back on every way out: the destructor (q, the guard, an exception unwinding), the
// second Ctrl-C's immediate exit and a crash (both through restore_terminal_now(), which uses tcsetattr
// and write(2) only, so it is async-signal-safe), and Ctrl-Z (suspend(): restored while stopped).
// One session at a time per process.
class TerminalSession {
  public:
    // Saves the terminal's settings of `in_fd`; throws Error when they cannot be read or set.
    TerminalSession(int in_fd, int out_fd);
    ~TerminalSession();
    TerminalSession(const TerminalSession&) = delete;
    TerminalSession& operator=(const TerminalSession&) = delete;

    // Into live's state (again): after construction, after SIGCONT, after suspend.
    bool enter();  // false (errno set) when the terminal refused: at start an error, later a hangup
    // Back to the saved state, now (idempotent).
    void leave();
    // Ctrl-Z: the terminal as it was, this process stopped until SIGCONT, then live's state again.
    void suspend();
};

// The saved settings and the normal screen, written back if a session is entered: safe in a signal
// handler.
void restore_terminal_now();

}  // namespace leakdemo
