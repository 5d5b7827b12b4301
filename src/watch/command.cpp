#include "watch/command.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <poll.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <initializer_list>

#include "util/error.hpp"

namespace leakdemo {
namespace {

// The child's side of fork: async-signal-safe calls only, then exec; on failure errno goes to `report`.
[[noreturn]] void become_command(pid_t parent, int out_fd, int report, char* const* argv) {
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) {
        ::_exit(127);
    }
    ::setpgid(0, 0);
    if (out_fd >= 0) {
        ::dup2(out_fd, STDOUT_FILENO);
        ::dup2(out_fd, STDERR_FILENO);
    }
    // What leakdemo ignores or blocks must not be inherited: SIGPIPE is ignored in leakdemo, and an
    // ignored disposition survives exec (a program writing to a closed pipe would loop on EPIPE).
    struct sigaction default_action {};
    default_action.sa_handler = SIG_DFL;
    for (const int signal_number : {SIGPIPE, SIGINT, SIGTERM, SIGHUP, SIGCHLD}) {
        ::sigaction(signal_number, &default_action, nullptr);
    }
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    ::execvp(argv[0], argv);
    const int error = errno;
    [[maybe_unused]] const auto ignored = ::write(report, &error, sizeof error);
    ::_exit(error == ENOENT ? 127 : 126);
}

int open_output(const CommandOutput& output) {
    switch (output.kind) {
        case CommandOutput::Kind::to_stderr:
            return ::fcntl(STDERR_FILENO, F_DUPFD_CLOEXEC, 3);
        case CommandOutput::Kind::null:
            return ::open("/dev/null", O_WRONLY | O_CLOEXEC);
        case CommandOutput::Kind::file:
            return ::open(output.path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        case CommandOutput::Kind::inherit:
            break;
    }
    return -1;
}

StartFailure start_failure(const std::string& name, int error) {
    if (error == ENOENT) {
        return StartFailure{127, fmt::format("{}: command not found", name)};
    }
    return StartFailure{126, fmt::format("{}: cannot execute: {}", name, std::strerror(error))};
}

}  // namespace

Expected<CommandOutput> parse_command_output(std::string_view text) {
    using Result = Expected<CommandOutput>;
    if (text == "stderr") {
        return Result::ok(CommandOutput{CommandOutput::Kind::to_stderr, {}});
    }
    if (text == "null") {
        return Result::ok(CommandOutput{CommandOutput::Kind::null, {}});
    }
    if (text == "inherit") {
        return Result::ok(CommandOutput{CommandOutput::Kind::inherit, {}});
    }
    if (text.empty()) {
        return Result::fail("needs stderr, null, inherit or a file name");
    }
    return Result::ok(CommandOutput{CommandOutput::Kind::file, std::string(text)});
}

WatchedCommand::~WatchedCommand() {
    if (m_pid > 0 && !m_reaped) {
        signal_all(SIGKILL);
        while (!m_reaped && ::waitpid(m_pid, &m_wait_status, 0) < 0 && errno == EINTR) {
        }
    }
    if (m_pidfd >= 0) {
        ::close(m_pidfd);
    }
}

std::optional<StartFailure> WatchedCommand::start(const std::vector<std::string>& argv,
                                                  const CommandOutput& output) {
    const int out_fd = open_output(output);
    if (output.kind == CommandOutput::Kind::file && out_fd < 0) {
        throw Error(fmt::format("--command-output: cannot open {}: {}", output.path, std::strerror(errno)));
    }
    int report[2] = {-1, -1};
    if (::pipe2(report, O_CLOEXEC) != 0) {
        throw Error(fmt::format("watch: cannot create a pipe: {}", std::strerror(errno)));
    }
    // Orphans of the command's tree come back to us, so they are measured and reaped (see command.hpp).
    ::prctl(PR_SET_CHILD_SUBREAPER, 1);
    std::vector<char*> args;  // built before fork: only async-signal-safe calls after it
    for (const std::string& arg : argv) {
        args.push_back(const_cast<char*>(arg.c_str()));
    }
    args.push_back(nullptr);
    const pid_t parent = ::getpid();
    const pid_t pid = ::fork();
    if (pid == 0) {
        become_command(parent, out_fd, report[1], args.data());
    }
    const int fork_error = errno;
    ::close(report[1]);
    if (out_fd >= 0) {
        ::close(out_fd);
    }
    if (pid < 0) {
        ::close(report[0]);
        throw Error(fmt::format("watch: cannot start {}: {}", argv[0], std::strerror(fork_error)));
    }
    m_pid = pid;
    ::setpgid(pid, pid);  // also here: the group exists before we signal it, whoever runs first
    int exec_error = 0;
    ssize_t got = -1;
    do {
        got = ::read(report[0], &exec_error, sizeof exec_error);
    } while (got < 0 && errno == EINTR);
    ::close(report[0]);
    if (got == static_cast<ssize_t>(sizeof exec_error)) {
        while (::waitpid(pid, &m_wait_status, 0) < 0 && errno == EINTR) {
        }
        m_reaped = true;
        return start_failure(argv[0], exec_error);
    }
    m_pidfd = static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
    return std::nullopt;
}

bool WatchedCommand::try_reap() {
    // Orphans re-parented to us first (any PID but COMMAND's), then COMMAND.
    int status = 0;
    pid_t reaped = 0;
    while ((reaped = ::waitpid(-1, &status, WNOHANG)) > 0) {
        if (reaped == m_pid) {
            m_reaped = true;
            m_wait_status = status;
        }
    }
    return m_reaped;
}

int WatchedCommand::exit_status() const {
    if (WIFSIGNALED(m_wait_status)) {
        return 128 + WTERMSIG(m_wait_status);
    }
    return WEXITSTATUS(m_wait_status);
}

bool WatchedCommand::killed_by_signal() const {
    return WIFSIGNALED(m_wait_status);
}

void WatchedCommand::signal_all(int signal_number, const std::vector<pid_t>& others) const {
    if (m_pid <= 0) {
        return;
    }
    ::kill(-m_pid, signal_number);
    if (!m_reaped) {
        ::kill(m_pid, signal_number);  // in case it left its group (setsid)
    }
    for (const pid_t pid : others) {
        if (pid != m_pid) {
            ::kill(pid, signal_number);
        }
    }
}

void WatchedCommand::terminate(std::chrono::milliseconds grace, const std::vector<pid_t>& others) {
    signal_all(SIGTERM, others);
    const auto deadline = std::chrono::steady_clock::now() + grace;
    while (!try_reap() && std::chrono::steady_clock::now() < deadline) {
        pollfd exit_probe{m_pidfd, POLLIN, 0};
        ::poll(&exit_probe, m_pidfd >= 0 ? 1 : 0, 20);
    }
    if (!m_reaped) {
        signal_all(SIGKILL, others);
        while (::waitpid(m_pid, &m_wait_status, 0) < 0 && errno == EINTR) {
        }
        m_reaped = true;
    }
    // The rest of the group (a child that outlived COMMAND) goes too, and whatever came back to us is reaped.
    signal_all(SIGKILL, others);
    try_reap();
}

}  // namespace leakdemo
