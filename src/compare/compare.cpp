// `leakdemo compare`: two children of leakdemo, one per mode, read through pipes and merged into one view.
// Linux only: fork, prctl(PR_SET_PDEATHSIG), /proc/self/exe.
#include "compare/compare.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <poll.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <iterator>
#include <memory>
#include <variant>

#include "compare/compare_view.hpp"
#include "compare/decode.hpp"
#include "measure/signals.hpp"
#include "output/chart.hpp"
#include "output/formats.hpp"
#include "output/output.hpp"
#include "output/outputs.hpp"
#include "output/report.hpp"
#include "output/terminal.hpp"
#include "util/error.hpp"

namespace leakdemo {
namespace {

// A child asked to stop (forwarded Ctrl-C, or its partner failed) gets this long before SIGKILL.
constexpr auto grace_period = std::chrono::seconds(2);
// What compare keeps of a child's stderr: enough for its one-line error.
constexpr std::size_t max_stderr_bytes = 4096;

// ---- the children ---------------------------------------------------------------------------------

struct Child {
    pid_t pid = -1;
    int out_fd = -1;      // its stdout: JSON Lines
    int err_fd = -1;      // its stderr: an error line, if any
    std::string pending;  // stdout bytes after the last newline
    std::string err_text;
    bool reaped = false;
    int wait_status = 0;

    bool done() const { return reaped && out_fd < 0 && err_fd < 0; }
};

void close_fd(int& fd) {
    if (fd >= 0) {
        ::close(fd);
        fd = -1;
    }
}

// Both children, killed and reaped on every way out of run_compare (exceptions included).
class ChildPair {
  public:
    ChildPair() = default;
    ChildPair(const ChildPair&) = delete;
    ChildPair& operator=(const ChildPair&) = delete;
    ~ChildPair() {
        for (Child& child : m_children) {
            close_fd(child.out_fd);
            close_fd(child.err_fd);
            if (child.pid > 0 && !child.reaped) {
                ::kill(child.pid, SIGKILL);
                while (::waitpid(child.pid, nullptr, 0) < 0 && errno == EINTR) {
                }
            }
        }
    }
    Child& operator[](std::size_t index) { return m_children[index]; }
    std::array<Child, 2>& all() { return m_children; }

  private:
    std::array<Child, 2> m_children;
};

void spawn(Child& child, const std::vector<std::string>& args, const sigset_t& child_mask) {
    int out_pipe[2] = {-1, -1};
    int err_pipe[2] = {-1, -1};
    if (::pipe2(out_pipe, O_CLOEXEC) != 0 || ::pipe2(err_pipe, O_CLOEXEC) != 0) {
        throw Error(fmt::format("compare: cannot create a pipe: {}", std::strerror(errno)));
    }
    child.out_fd = out_pipe[0];
    child.err_fd = err_pipe[0];
    // Built before fork: between fork and exec only async-signal-safe calls are allowed.
    std::vector<char*> argv;
    for (const std::string& arg : args) {
        argv.push_back(const_cast<char*>(arg.c_str()));
    }
    argv.push_back(nullptr);
    const pid_t parent = ::getpid();

    const pid_t pid = ::fork();
    if (pid < 0) {
        ::close(out_pipe[1]);
        ::close(err_pipe[1]);
        throw Error(fmt::format("compare: cannot start a child: {}", std::strerror(errno)));
    }
    if (pid == 0) {
        // Die with the parent, even if it is SIGKILLed. If it died before prctl took effect we were
        // re-parented already: stop now rather than run unwatched.
        ::prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (::getppid() != parent) {
            ::_exit(127);
        }
        // Own process group: Ctrl-C on the terminal reaches compare only, which forwards it exactly once
        // (a second SIGINT would make a child exit at once, without its summary).
        ::setpgid(0, 0);
        ::dup2(out_pipe[1], STDOUT_FILENO);
        ::dup2(err_pipe[1], STDERR_FILENO);
        ::sigprocmask(SIG_SETMASK, &child_mask, nullptr);
        ::execv("/proc/self/exe", argv.data());
        constexpr std::string_view message = "leakdemo: error: cannot run /proc/self/exe\n";
        [[maybe_unused]] const auto ignored = ::write(STDERR_FILENO, message.data(), message.size());
        ::_exit(127);
    }
    ::close(out_pipe[1]);
    ::close(err_pipe[1]);
    child.pid = pid;
}

// Why a child that was not asked to stop ended: "exited with code 3: <its error line>".
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

// Blocks SIGINT/SIGTERM for the lifetime of the loop; ppoll unblocks them only while waiting, so a
// signal is never missed between checking the stop flag and going to sleep.
class BlockStopSignals {
  public:
    BlockStopSignals() {
        sigset_t stop_signals;
        sigemptyset(&stop_signals);
        sigaddset(&stop_signals, SIGINT);
        sigaddset(&stop_signals, SIGTERM);
        ::sigprocmask(SIG_BLOCK, &stop_signals, &m_original);
    }
    ~BlockStopSignals() { ::sigprocmask(SIG_SETMASK, &m_original, nullptr); }
    BlockStopSignals(const BlockStopSignals&) = delete;
    BlockStopSignals& operator=(const BlockStopSignals&) = delete;
    const sigset_t& original() const { return m_original; }

  private:
    sigset_t m_original{};
};

class CompareSession {
  public:
    CompareSession(const Options& options, CompareResult& result, RowMerger& merger)
        : m_options(options), m_result(result), m_merger(merger) {
        for (std::size_t side = 0; side < 2; ++side) {
            m_result.comparison.runs[side].mode = options.compare_modes[side];
        }
    }

    void run() {
        const BlockStopSignals blocked;
        for (std::size_t side = 0; side < 2; ++side) {
            spawn(m_children[side], compare_child_arguments(m_options, m_options.compare_modes[side]),
                  blocked.original());
        }
        while (!m_children[0].done() || !m_children[1].done()) {
            if (const int signal_number = stop_signal(); signal_number != 0 && m_stop_signal == 0) {
                m_stop_signal = signal_number;
                stop_children(signal_number);
            }
            if (m_kill_deadline && std::chrono::steady_clock::now() >= *m_kill_deadline) {
                kill_children(SIGKILL);
                m_kill_deadline.reset();
            }
            wait_for_input(blocked.original());
            for (std::size_t side = 0; side < 2; ++side) {
                read_child(side);
                reap_child(side);
            }
        }
        if (!m_output_closed) {
            m_merger.finish();
        }
    }

    int stop_signal_number() const { return m_stop_signal; }

  private:
    void stop_children(int signal_number) {
        m_stopping = true;
        kill_children(signal_number);
        m_kill_deadline = std::chrono::steady_clock::now() + grace_period;
    }

    void kill_children(int signal_number) {
        for (Child& child : m_children.all()) {
            if (child.pid > 0 && !child.reaped) {
                ::kill(child.pid, signal_number);
            }
        }
    }

    void fail(std::string message) {
        if (m_result.failure.empty()) {
            m_result.failure = std::move(message);
        }
        if (!m_stopping) {
            stop_children(SIGTERM);
        }
    }

    void wait_for_input(const sigset_t& unblocked) {
        std::vector<pollfd> fds;
        // Short naps while a grace period runs or a child closed its pipes but is not reaped yet; otherwise
        // sleep until output, end of file (a child's exit closes its pipes) or a signal.
        bool nap = m_kill_deadline.has_value();
        for (Child& child : m_children.all()) {
            for (const int fd : {child.out_fd, child.err_fd}) {
                if (fd >= 0) {
                    fds.push_back(pollfd{fd, POLLIN, 0});
                }
            }
            nap = nap || (!child.reaped && child.out_fd < 0 && child.err_fd < 0);
        }
        const timespec nap_time{0, 50'000'000};
        ::ppoll(fds.data(), fds.size(), nap ? &nap_time : nullptr, &unblocked);
    }

    void read_child(std::size_t side) {
        Child& child = m_children[side];
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
                child.err_text.append(buffer, static_cast<std::size_t>(std::min<ssize_t>(
                                                  got, static_cast<ssize_t>(max_stderr_bytes))));
                if (child.err_text.size() > max_stderr_bytes) {
                    child.err_text.erase(0, child.err_text.size() - max_stderr_bytes);
                }
                continue;
            }
            child.pending.append(buffer, static_cast<std::size_t>(got));
            std::size_t newline = 0;
            while ((newline = child.pending.find('\n')) != std::string::npos) {
                const std::string line = child.pending.substr(0, newline);
                child.pending.erase(0, newline + 1);
                take_line(side, line);
            }
        }
    }

    void take_line(std::size_t side, const std::string& line) {
        ReportSeries& run = m_result.comparison.runs[side];
        auto decoded = decode_record_line(line);
        if (!decoded) {
            fail(fmt::format("compare: the {} child wrote {}", to_string(run.mode), decoded.error()));
            return;
        }
        if (auto* record = std::get_if<Record>(&decoded.value())) {
            run.records.push_back(*record);
            if (!m_output_closed) {
                guarded([this] { m_merger.emit_ready(); });
            }
        } else if (auto* summary = std::get_if<Summary>(&decoded.value())) {
            run.summary = *summary;
        } else if (auto* note = std::get_if<NoteLine>(&decoded.value())) {
            run.notes.push_back(Note{note->iteration, std::move(note->text)});
            if (!m_output_closed) {
                guarded([this] { m_merger.emit_notes(); });
            }
        }
        // Other record types (added later) are not compare's business.
    }

    // The reader of our stdout went away (`| head`): stop the children, end quietly with what we have.
    template <typename Action>
    void guarded(Action action) {
        try {
            action();
        } catch (const OutputClosed&) {
            m_output_closed = true;
            if (!m_stopping) {
                stop_children(SIGTERM);
            }
        }
    }

    void reap_child(std::size_t side) {
        Child& child = m_children[side];
        if (child.reaped || child.pid <= 0) {
            return;
        }
        int status = 0;
        const pid_t got = ::waitpid(child.pid, &status, WNOHANG);
        if (got != child.pid) {
            return;
        }
        child.reaped = true;
        child.wait_status = status;
        const bool clean = WIFEXITED(status) && WEXITSTATUS(status) == 0;
        const bool stopped_early =
            WIFEXITED(status) && WEXITSTATUS(status) == to_int(ExitCode::stopped_early);
        if (stopped_early && !m_stopping) {
            // Its guard (or a failed malloc) ended it after it wrote its summary: stop the other one the way
            // Ctrl-C would, so both report, and end as a single run would (exit 3).
            m_result.stop_message = fmt::format(
                "compare: the {} child {}", to_string(m_options.compare_modes[side]), describe_end(child));
            stop_children(SIGTERM);
            return;
        }
        if (!clean && !m_stopping) {
            fail(fmt::format("compare: the {} child {}", to_string(m_options.compare_modes[side]),
                             describe_end(child)));
        }
    }

  public:
    bool output_closed() const { return m_output_closed; }

  private:
    const Options& m_options;
    CompareResult& m_result;
    RowMerger& m_merger;
    ChildPair m_children;
    bool m_stopping = false;
    bool m_output_closed = false;
    int m_stop_signal = 0;
    std::optional<std::chrono::steady_clock::time_point> m_kill_deadline;
};

}  // namespace

std::vector<std::string> compare_child_arguments(const Options& options, Mode mode) {
    std::vector<std::string> args{
        "leakdemo",
        "--mode",
        std::string(to_string(mode)),
        "--block-size",
        std::to_string(options.block_bytes),
        "--interval",
        fmt::format("{}ns", options.interval.count()),
        "--touch",
        std::string(to_string(options.touch)),
        "--fill",
        std::to_string(static_cast<unsigned>(options.fill)),
    };
    if (options.iterations) {
        args.insert(args.end(), {"--iterations", std::to_string(*options.iterations)});
    }
    // The guard: compare resolved the budget and gives each child its share (app.cpp).
    if (!options.guard.enabled) {
        args.emplace_back("--no-guard");
    } else if (options.guard.max_bytes) {
        args.insert(args.end(), {"--max-memory", std::to_string(*options.guard.max_bytes)});
    } else if (options.guard.max_available_percent) {
        args.insert(args.end(), {"--max-memory", fmt::format("{:g}%", *options.guard.max_available_percent)});
    }
    // The allocator knobs change what each child's allocator does; --explain makes the children write note
    // records, which compare shows under its rows and keeps for --report.
    if (options.mmap_threshold_bytes) {
        args.insert(args.end(), {"--mmap-threshold", std::to_string(*options.mmap_threshold_bytes)});
    }
    if (options.trim) {
        args.emplace_back("--trim");
    }
    if (options.explain) {
        args.emplace_back("--explain");
    }
    if (options.huge_pages) {
        args.emplace_back("--huge-pages");
    }
    // compare reads the children's JSON Lines and prints its own summary.
    args.insert(args.end(), {"--format", "jsonl", "--quiet"});
    return args;
}

CompareResult run_compare(const Options& options, const OutputPlan& outputs) {
    CompareResult result;
    LineWriter stdout_writer(STDOUT_FILENO);
    std::vector<std::unique_ptr<CompareView>> views;
    views.push_back(make_compare_view(outputs.stdout_format, stdout_writer, outputs.stdout_caps, options));
    if (outputs.file) {
        views.push_back(make_compare_view(options.output_format, *outputs.file, TerminalCaps{}, options));
    }
    std::vector<CompareView*> view_pointers;
    for (const auto& view : views) {
        view_pointers.push_back(view.get());
    }

    RowMerger merger(result.comparison, view_pointers);
    CompareSession session(options, result, merger);
    bool closed = false;
    try {
        session.run();
    } catch (const OutputClosed&) {
        closed = true;  // the last rows met a closed stdout: the children are already gone
    }
    // --report is written however compare ended: completed, Ctrl-C, a child stopped early or failed, `|
    // head`.
    if (!options.report_path.empty()) {
        write_html_report(options.report_path, report_parameters(options), result.comparison.runs);
    }
    if (closed) {
        return result;
    }

    if (!result.failure.empty()) {
        result.exit_code = ExitCode::runtime_error;
        return result;
    }
    if (session.output_closed()) {
        return result;  // `compare | head`: a pipeline saying "enough" is success
    }
    if (!result.stop_message.empty()) {
        print_stderr(fmt::format("leakdemo: {}\n", result.stop_message));
    }
    const TerminalCaps& stderr_caps = outputs.stderr_caps;
    if (!options.quiet) {
        print_stderr(format_compare_summary(result.comparison, stderr_caps.color));
    }
    if (options.chart) {
        print_stderr(
            render_chart(result.comparison.runs, ChartStyle{stderr_caps.width, 12, stderr_caps.unicode}));
    }
    if (!result.stop_message.empty()) {
        result.exit_code = ExitCode::stopped_early;
        return result;
    }
    if (session.stop_signal_number() != 0) {
        result.exit_code =
            session.stop_signal_number() == SIGTERM ? ExitCode::terminated : ExitCode::interrupted;
        return result;
    }
    const auto leaking = [](const ReportSeries& run) {
        return run.summary && run.summary->verdict == Verdict::leaking;
    };
    if (options.fail_on_leak &&
        std::any_of(result.comparison.runs.begin(), result.comparison.runs.end(), leaking)) {
        result.exit_code = ExitCode::leak_detected;
    }
    return result;
}

}  // namespace leakdemo
