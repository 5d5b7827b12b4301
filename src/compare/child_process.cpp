#include "compare/child_process.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <poll.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "util/error.hpp"

namespace leakdemo {
namespace {

// What compare keeps of a child's stderr: enough for its one-line error.
constexpr std::size_t max_stderr_bytes = 4096;

void close_fd(int& fd) {
    if (fd >= 0) {
        ::close(fd);
        fd = -1;
    }
}

// The child's side of fork: async-signal-safe calls only, then exec (or _exit).
[[noreturn]] void become_child(pid_t parent, const int (&ends)[3], const sigset_t& child_mask,
                               const char* program, char* const* argv, char* const* envp) {
    const auto [out_write, err_write, step_read] = ends;
    // Die with the parent, even if it is SIGKILLed. If it died before prctl took effect we were re-parented
    // already: stop now rather than run unwatched.
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) {
        ::_exit(127);
    }
    // Own process group: Ctrl-C on the terminal reaches compare only, which forwards it exactly once (a
    // second SIGINT would make a child exit at once, without its summary).
    ::setpgid(0, 0);
    ::dup2(out_write, STDOUT_FILENO);
    ::dup2(err_write, STDERR_FILENO);
    if (step_read == child_step_fd) {
        ::fcntl(step_read, F_SETFD, 0);  // already in place: only keep it open across exec
    } else {
        ::dup2(step_read, child_step_fd);  // the copy is not close-on-exec
    }
    ::sigprocmask(SIG_SETMASK, &child_mask, nullptr);
    ::execve(program, argv, envp);
    constexpr std::string_view message = "leakdemo: error: cannot run ";
    [[maybe_unused]] auto ignored = ::write(STDERR_FILENO, message.data(), message.size());
    ignored = ::write(STDERR_FILENO, program, std::strlen(program));
    ignored = ::write(STDERR_FILENO, "\n", 1);
    ::_exit(127);
}

void keep_stderr(Child& child, const char* bytes, std::size_t size) {
    child.err_text.append(bytes, std::min(size, max_stderr_bytes));
    if (child.err_text.size() > max_stderr_bytes) {
        child.err_text.erase(0, child.err_text.size() - max_stderr_bytes);
    }
}

void take_lines(Child& child, const char* bytes, std::size_t size,
                const std::function<void(const std::string&)>& take_line) {
    child.pending.append(bytes, size);
    std::size_t newline = 0;
    while ((newline = child.pending.find('\n')) != std::string::npos) {
        const std::string line = child.pending.substr(0, newline);
        child.pending.erase(0, newline + 1);
        take_line(line);
    }
}

// This process's environment with `overrides` (NAME=value) set or replaced: the child's envp, built before
// fork.
std::vector<std::string> child_environment(const std::vector<std::string>& overrides) {
    std::vector<std::string> environment;
    for (char** entry = environ; *entry != nullptr; ++entry) {
        const std::string_view text(*entry);
        const auto replaced = [text](const std::string& setting) {
            const auto name = setting.substr(0, setting.find('=') + 1);
            return text.substr(0, name.size()) == name;
        };
        if (std::none_of(overrides.begin(), overrides.end(), replaced)) {
            environment.emplace_back(text);
        }
    }
    environment.insert(environment.end(), overrides.begin(), overrides.end());
    return environment;
}

std::vector<char*> pointers_to(const std::vector<std::string>& texts) {
    std::vector<char*> pointers;
    for (const std::string& text : texts) {
        pointers.push_back(const_cast<char*>(text.c_str()));
    }
    pointers.push_back(nullptr);
    return pointers;
}

}  // namespace

ChildPair::~ChildPair() {
    for (Child& child : m_children) {
        close_fd(child.out_fd);
        close_fd(child.err_fd);
        close_fd(child.step_fd);
        if (child.pid > 0 && !child.reaped) {
            ::kill(child.pid, SIGKILL);
            while (::waitpid(child.pid, nullptr, 0) < 0 && errno == EINTR) {
            }
        }
    }
}

void ChildPair::signal_running(int signal_number) {
    for (Child& child : m_children) {
        if (child.pid > 0 && !child.reaped) {
            ::kill(child.pid, signal_number);
        }
    }
}

void spawn(Child& child, const std::vector<std::string>& args, const sigset_t& child_mask,
           const ExecTarget& target) {
    int out_pipe[2] = {-1, -1};
    int err_pipe[2] = {-1, -1};
    int step_pipe[2] = {-1, -1};
    if (::pipe2(out_pipe, O_CLOEXEC) != 0 || ::pipe2(err_pipe, O_CLOEXEC) != 0 ||
        ::pipe2(step_pipe, O_CLOEXEC) != 0) {
        throw Error(fmt::format("compare: cannot create a pipe: {}", std::strerror(errno)));
    }
    child.out_fd = out_pipe[0];
    child.err_fd = err_pipe[0];
    child.step_fd = step_pipe[1];
    ::fcntl(child.step_fd, F_SETFL, O_NONBLOCK);  // compare never waits for a child to take its step
    // Built before fork: between fork and exec only async-signal-safe calls are allowed.
    const std::vector<char*> argv = pointers_to(args);
    const std::vector<std::string> environment = child_environment(target.environment);
    const std::vector<char*> envp = pointers_to(environment);
    const pid_t parent = ::getpid();

    const pid_t pid = ::fork();
    if (pid == 0) {
        become_child(parent, {out_pipe[1], err_pipe[1], step_pipe[0]}, child_mask, target.program.c_str(),
                     argv.data(), envp.data());
    }
    ::close(out_pipe[1]);
    ::close(err_pipe[1]);
    ::close(step_pipe[0]);
    if (pid < 0) {
        throw Error(fmt::format("compare: cannot start a child: {}", std::strerror(errno)));
    }
    child.pid = pid;
}

void grant_step(Child& child) {
    if (child.step_fd < 0) {
        return;
    }
    const char token = 's';
    ssize_t written = -1;
    do {
        written = ::write(child.step_fd, &token, 1);
    } while (written < 0 && errno == EINTR);
    if (written != 1) {
        close_fd(
            child.step_fd);  // EPIPE: the child is gone. EAGAIN cannot happen: it holds one token at most
    }
}

void read_available(Child& child, const std::function<void(const std::string&)>& take_line) {
    char buffer[65536];
    for (int* fd : {&child.out_fd, &child.err_fd}) {
        if (*fd < 0) {
            continue;
        }
        pollfd probe{*fd, POLLIN, 0};
        if (::poll(&probe, 1, 0) <= 0) {
            continue;
        }
        const ssize_t got = ::read(*fd, buffer, sizeof buffer);
        if (got < 0 && (errno == EINTR || errno == EAGAIN)) {
            continue;
        }
        if (got <= 0) {
            close_fd(*fd);
            continue;
        }
        if (fd == &child.err_fd) {
            keep_stderr(child, buffer, static_cast<std::size_t>(got));
        } else {
            take_lines(child, buffer, static_cast<std::size_t>(got), take_line);
        }
    }
}

bool try_reap(Child& child) {
    if (child.reaped || child.pid <= 0) {
        return false;
    }
    int status = 0;
    if (::waitpid(child.pid, &status, WNOHANG) != child.pid) {
        return false;
    }
    child.reaped = true;
    child.wait_status = status;
    return true;
}

bool exited_with(const Child& child, int code) {
    return WIFEXITED(child.wait_status) && WEXITSTATUS(child.wait_status) == code;
}

std::string describe_end(const Child& child) {
    std::string why;
    if (WIFSIGNALED(child.wait_status)) {
        const int signal_number = WTERMSIG(child.wait_status);
        why = fmt::format("was killed by signal {} ({})", signal_number, ::strsignal(signal_number));
    } else {
        why = fmt::format("exited with code {}", WEXITSTATUS(child.wait_status));
    }
    // Its last line on stderr, without the "leakdemo: " prefix compare's own line already has.
    std::string_view said = child.err_text;
    while (!said.empty() && said.back() == '\n') {
        said.remove_suffix(1);
    }
    if (const auto newline = said.rfind('\n'); newline != std::string_view::npos) {
        said.remove_prefix(newline + 1);
    }
    for (const std::string_view prefix : {"leakdemo: error: ", "leakdemo: "}) {
        if (said.substr(0, prefix.size()) == prefix) {
            said.remove_prefix(prefix.size());
            break;
        }
    }
    if (!said.empty()) {
        why += fmt::format(": {}", said);
    }
    return why;
}

}  // namespace leakdemo
