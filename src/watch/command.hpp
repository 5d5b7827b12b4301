#pragma once

// COMMAND as a process watch started: its own process group (so a signal reaches the whole job, and
// Ctrl-C on the terminal reaches watch, which forwards it once), killed if watch dies (PR_SET_PDEATHSIG),
// its stdout and stderr where --command-output says, and killed and reaped on every way out of watch.
// watch is a child subreaper (PR_SET_CHILD_SUBREAPER): a grandchild orphaned by its parent is re-parented
// to watch, stays in the measured tree and is reaped here, never left behind.
#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "util/expected.hpp"

namespace leakdemo {

// Where COMMAND's stdout and stderr go (--command-output).
struct CommandOutput {
    enum class Kind { to_stderr, null, inherit, file } kind = Kind::to_stderr;
    std::string path;  // Kind::file
};
Expected<CommandOutput> parse_command_output(std::string_view text);

// Why COMMAND could not be started: 127 not found, 126 not executable (as the shell and `timeout` say).
struct StartFailure {
    int exit_code = 127;
    std::string message;
};

class WatchedCommand {
  public:
    WatchedCommand() = default;
    WatchedCommand(const WatchedCommand&) = delete;
    WatchedCommand& operator=(const WatchedCommand&) = delete;
    // Kills the process group (and any re-parented descendant) with SIGKILL and reaps: never left running.
    ~WatchedCommand();

    // Starts `argv` (searched in PATH like execvp). Throws Error when fork or a pipe fails; a command that
    // cannot be executed is a StartFailure.
    std::optional<StartFailure> start(const std::vector<std::string>& argv, const CommandOutput& output);

    pid_t pid() const { return m_pid; }
    // A descriptor that polls readable when COMMAND has exited (a pidfd), or -1 where the kernel has none.
    int exit_fd() const { return m_pidfd; }

    // Reaps COMMAND (and any re-parented orphan) without blocking. True once COMMAND itself is reaped.
    bool try_reap();
    bool reaped() const { return m_reaped; }
    // COMMAND's own status as a shell reports it: its exit code, or 128+N for signal N.
    int exit_status() const;
    bool killed_by_signal() const;

    // Sends `signal_number` to COMMAND's process group and to `others` (descendants that left it).
    void signal_all(int signal_number, const std::vector<pid_t>& others = {}) const;
    // SIGTERM, then SIGKILL after `grace` if COMMAND has not ended; reaps it.
    void terminate(std::chrono::milliseconds grace, const std::vector<pid_t>& others);

  private:
    pid_t m_pid = -1;
    int m_pidfd = -1;
    bool m_reaped = false;
    int m_wait_status = 0;
};

}  // namespace leakdemo
