#pragma once

// compare's children as processes: started by re-executing leakdemo, their stdout and stderr on pipes,
// signalled, reaped, and killed on every way out. Linux only: fork, prctl(PR_SET_PDEATHSIG), /proc/self/exe.

#include <signal.h>
#include <sys/types.h>

#include <array>
#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace leakdemo {

// The child's end of its step pipe (compare_child_arguments passes it as --step-fd).
inline constexpr int child_step_fd = 3;

struct Child {
    pid_t pid = -1;
    int out_fd = -1;       // its stdout: JSON Lines
    int err_fd = -1;       // its stderr: an error line, if any
    int step_fd = -1;      // the write end of its step pipe: one byte lets it start its next iteration
    std::string pending;   // stdout bytes after the last newline
    std::string err_text;  // the end of its stderr, at most max_stderr_bytes
    bool reaped = false;
    int wait_status = 0;

    // Reaped, and both pipes read to the end.
    bool done() const { return reaped && out_fd < 0 && err_fd < 0; }
    // Exited, or was killed, and its pipes are closed, but it is not reaped yet.
    bool ending() const { return !reaped && out_fd < 0 && err_fd < 0; }
};

// Both children, killed (SIGKILL) and reaped on every way out of compare, exceptions included.
class ChildPair {
  public:
    ChildPair() = default;
    ChildPair(const ChildPair&) = delete;
    ChildPair& operator=(const ChildPair&) = delete;
    ~ChildPair();

    Child& operator[](std::size_t index) { return m_children[index]; }
    std::array<Child, 2>& all() { return m_children; }
    // Sends `signal_number` to each child still running.
    void signal_running(int signal_number);

  private:
    std::array<Child, 2> m_children;
};

// What a child executes: leakdemo itself by default; `leakdemo check` runs valgrind (with leakdemo's path
// among the args) or leakdemo with LeakSanitizer preloaded (`environment`: NAME=value set or replaced).
struct ExecTarget {
    std::string program = "/proc/self/exe";
    std::vector<std::string> environment;
};

// Starts `/proc/self/exe args...` (or `target.program`) as `child`: its own process group, killed if compare
// dies, stdout and stderr on pipes, the read end of its step pipe on fd child_step_fd, the signal mask
// `child_mask`. Throws Error when a pipe or the fork fails.
void spawn(Child& child, const std::vector<std::string>& args, const sigset_t& child_mask,
           const ExecTarget& target = {});

// Lets the child start its next iteration (one byte on its step pipe; never blocks). A child that is gone
// (EPIPE) needs no more steps: its pipe is closed.
void grant_step(Child& child);

// Reads what is ready on the child's pipes without blocking: stderr is kept (its end), stdout is cut into
// lines for `take_line`. A pipe at end of file is closed.
void read_available(Child& child, const std::function<void(const std::string&)>& take_line);

// waitpid without blocking. True when the child was reaped by this call; its status is in wait_status.
bool try_reap(Child& child);

// True when the reaped child exited (not killed by a signal) with `code`.
bool exited_with(const Child& child, int code);

// Why a reaped child ended: "exited with code 3: <its error line>", "was killed by signal 9 (Killed)".
std::string describe_end(const Child& child);

}  // namespace leakdemo
