// `leakdemo compare`: two children of leakdemo, one per mode, read through pipes and merged into one view.
// Linux only: fork, prctl(PR_SET_PDEATHSIG), /proc/self/exe.
#include "leakdemo/compare.hpp"

#include <fcntl.h>
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

#include <fmt/format.h>

#include "leakdemo/error.hpp"
#include "leakdemo/formats.hpp"
#include "leakdemo/output.hpp"
#include "leakdemo/signals.hpp"
#include "leakdemo/terminal.hpp"

namespace leakdemo {
namespace {

// A child asked to stop (forwarded Ctrl-C, or its partner failed) gets this long before SIGKILL.
constexpr auto grace_period = std::chrono::seconds(2);
// What compare keeps of a child's stderr: enough for its one-line error.
constexpr std::size_t max_stderr_bytes = 4096;

std::optional<Mode> mode_from_string(std::string_view text) {
    for (const Mode mode : {Mode::leak, Mode::free, Mode::hold}) {
        if (to_string(mode) == text) {
            return mode;
        }
    }
    return std::nullopt;
}

std::optional<Verdict> verdict_from_string(std::string_view text) {
    for (const Verdict verdict : {Verdict::stable, Verdict::leaking}) {
        if (to_string(verdict) == text) {
            return verdict;
        }
    }
    return std::nullopt;
}

std::optional<StopReason> stop_reason_from_string(std::string_view text) {
    for (const StopReason reason :
         {StopReason::completed, StopReason::interrupted, StopReason::alloc_failed, StopReason::guard}) {
        if (to_string(reason) == text) {
            return reason;
        }
    }
    return std::nullopt;
}

// Reads the named fields of a record one by one and remembers the first that is missing or mistyped.
class FieldReader {
public:
    explicit FieldReader(const JsonObject& object) : m_object(object) {}

    std::uint64_t uint(std::string_view key) { return check(json_uint(m_object, key), key).value_or(0); }
    std::int64_t integer(std::string_view key) { return check(json_int(m_object, key), key).value_or(0); }
    double number(std::string_view key) { return check(json_number(m_object, key), key).value_or(0.0); }
    std::string text(std::string_view key) { return check(json_string(m_object, key), key).value_or(""); }

    template <typename T>
    T word(std::string_view key, std::optional<T> (*from_string)(std::string_view)) {
        const std::string value = text(key);
        if (m_missing.empty() && !from_string(value)) {
            m_missing = std::string(key);
        }
        return from_string(value).value_or(T{});
    }

    template <typename T>
    Parsed<T> result(T value) const {
        if (!m_missing.empty()) {
            return Parsed<T>::fail(fmt::format("missing or mistyped field '{}'", m_missing));
        }
        return Parsed<T>::ok(std::move(value));
    }

private:
    template <typename T>
    std::optional<T> check(std::optional<T> value, std::string_view key) {
        if (!value && m_missing.empty()) {
            m_missing = std::string(key);
        }
        return value;
    }

    const JsonObject& m_object;
    std::string m_missing;
};

// ---- the views: one row per iteration with both children's records --------------------------------

class CompareView {
public:
    virtual ~CompareView() = default;
    // One iteration; a side is null when that child stopped before reaching it.
    virtual void row(const Record* first, const Record* second) = 0;
    virtual void note(Mode /*mode*/, std::uint64_t /*iteration*/, const std::string& /*text*/) {}
    virtual void finish(const Comparison& /*comparison*/) {}
};

// CSV and JSON Lines: the single run's own sinks, so the merged rows have exactly the single-run schema.
class SinkCompareView final : public CompareView {
public:
    explicit SinkCompareView(std::unique_ptr<Sink> sink) : m_sink(std::move(sink)) {}
    void row(const Record* first, const Record* second) override {
        for (const Record* record : {first, second}) {
            if (record != nullptr) {
                m_sink->record(*record);
            }
        }
    }
    void note(Mode /*mode*/, std::uint64_t iteration, const std::string& text) override {
        m_sink->note(iteration, text);
    }
    void finish(const Comparison& comparison) override {
        // Each child's own summary record, in --modes order: the last lines, as in a single run.
        for (const ModeRun& run : comparison.runs) {
            if (run.summary) {
                m_sink->summary(*run.summary);
            }
        }
    }

private:
    std::unique_ptr<Sink> m_sink;
};

constexpr std::string_view reset = "\033[0m";
constexpr std::string_view bold = "\033[1m";

std::string_view colour_of(Mode mode) {
    switch (mode) {
        case Mode::leak:
            return "\033[31m";  // red: lost for good
        case Mode::hold:
            return "\033[33m";  // yellow: grows, but reachable
        case Mode::free:
            break;
    }
    return "\033[32m";  // green
}

// The live table: iteration, RSS and max RSS of each child, the difference, and a bar per child.
class TableCompareView final : public CompareView {
public:
    TableCompareView(LineWriter& out, const TerminalCaps& caps, const Options& options)
        : m_out(out), m_caps(caps), m_modes(options.compare_modes) {
        // The numbers take 5 + 5 * 10 characters; each bar is a space, two '|' and its cells.
        constexpr int fixed_width = 5 + 5 * 10;
        m_bar_width = std::clamp((caps.width - fixed_width) / 2 - 3, 0, 30);
        if (m_bar_width < 4) {
            m_bar_width = 0;  // too narrow for a bar that says anything
        }
        // Bars share one scale: the expected end of a growing run of at most 64 blocks, so in a classroom
        // run (-n 20) the bars grow row by row to the full width; a longer run doubles the scale whenever a
        // row outgrows it.
        constexpr std::uint64_t max_blocks_in_scale = 64;
        const std::uint64_t blocks = std::min(options.iterations.value_or(16), max_blocks_in_scale);
        m_scale = static_cast<double>(blocks) * static_cast<double>(options.block_bytes);
    }

    void row(const Record* first, const Record* second) override {
        m_line.clear();
        if (!m_header_written) {
            header(first != nullptr ? *first : *second);
            m_header_written = true;
        }
        const Record* sides[] = {first, second};
        const Record& any = first != nullptr ? *first : *second;
        fmt::format_to(std::back_inserter(m_line), "{:>5}", any.iteration);
        for (const Record* record : sides) {
            if (record != nullptr) {
                fmt::format_to(std::back_inserter(m_line), " {:>9} {:>9}", format_bytes(record->sample.rss_bytes),
                               format_bytes(record->sample.maxrss_bytes));
            } else {
                fmt::format_to(std::back_inserter(m_line), " {:>9} {:>9}", "-", "-");
            }
        }
        if (first != nullptr && second != nullptr) {
            const auto difference = static_cast<std::int64_t>(first->sample.rss_bytes) -
                                    static_cast<std::int64_t>(second->sample.rss_bytes);
            fmt::format_to(std::back_inserter(m_line), " {:>9}", format_signed_bytes(difference));
        } else {
            fmt::format_to(std::back_inserter(m_line), " {:>9}", "-");
        }
        if (m_bar_width > 0) {
            for (std::size_t side = 0; side < 2; ++side) {
                m_line.push_back(' ');
                bar(m_modes[side], sides[side]);
            }
        }
        m_line.push_back('\n');
        m_out.write_line(m_line);
    }

private:
    void header(const Record& any) {
        if (m_caps.color) {
            m_line.append(bold);
        }
        fmt::format_to(std::back_inserter(m_line), "{:>5}", "iter");
        for (const Mode mode : m_modes) {
            fmt::format_to(std::back_inserter(m_line), " {:>9} {:>9}", fmt::format("{} rss", to_string(mode)),
                           fmt::format("{} max", to_string(mode)));
        }
        // fmt pads by code points, so "Δ rss" lines up like "d rss".
        fmt::format_to(std::back_inserter(m_line), " {:>9}", fmt::format("{} rss", m_caps.unicode ? "Δ" : "d"));
        if (m_bar_width > 0) {
            for (const Mode mode : m_modes) {
                fmt::format_to(std::back_inserter(m_line), " {:<{}}", fmt::format("{} rss", to_string(mode)),
                               m_bar_width + 2);
            }
        }
        if (m_caps.color) {
            m_line.append(reset);
        }
        m_line.push_back('\n');
        // 10 % headroom: a block costs a little more than its size (chunk header, page rounding).
        m_scale = (m_scale + static_cast<double>(any.sample.rss_bytes)) * 1.1;
    }

    // A proportional bar between "|" marks, in eighths of a cell when the terminal speaks UTF-8.
    void bar(Mode mode, const Record* record) {
        if (record == nullptr) {
            fmt::format_to(std::back_inserter(m_line), "{:{}}", "", m_bar_width + 2);
            return;
        }
        const auto rss = static_cast<double>(record->sample.rss_bytes);
        while (rss > m_scale) {
            m_scale *= 2;
        }
        const int eighths = static_cast<int>(rss / m_scale * m_bar_width * 8 + 0.5);
        m_line.push_back('|');
        if (m_caps.color) {
            m_line.append(colour_of(mode));
        }
        int cells = 0;
        if (m_caps.unicode) {
            static constexpr std::string_view partial[] = {"", "▏", "▎", "▍", "▌", "▋", "▊", "▉"};
            for (; cells < eighths / 8; ++cells) {
                m_line.append(std::string_view("█"));
            }
            if (eighths % 8 != 0) {
                m_line.append(partial[eighths % 8]);
                ++cells;
            }
        } else {
            for (; cells < (eighths + 4) / 8; ++cells) {
                m_line.push_back('#');
            }
        }
        if (m_caps.color) {
            m_line.append(reset);
        }
        for (; cells < m_bar_width; ++cells) {
            m_line.push_back(' ');
        }
        m_line.push_back('|');
    }

    LineWriter& m_out;
    TerminalCaps m_caps;
    std::array<Mode, 2> m_modes;
    fmt::memory_buffer m_line;
    bool m_header_written = false;
    int m_bar_width = 0;
    double m_scale = 1;
};

// Emits iteration k once both children reported it; what is left when they are done goes out one-sided.
class RowMerger {
public:
    RowMerger(const Comparison& comparison, std::vector<CompareView*> views)
        : m_comparison(comparison), m_views(std::move(views)) {}

    void emit_ready() {
        const auto& [first, second] = m_comparison.runs;
        while (m_emitted < first.records.size() && m_emitted < second.records.size()) {
            emit(&first.records[m_emitted], &second.records[m_emitted]);
        }
    }

    void emit_rest() {
        emit_ready();
        const auto& [first, second] = m_comparison.runs;
        while (m_emitted < first.records.size() || m_emitted < second.records.size()) {
            emit(m_emitted < first.records.size() ? &first.records[m_emitted] : nullptr,
                 m_emitted < second.records.size() ? &second.records[m_emitted] : nullptr);
        }
    }

    void note(Mode mode, std::uint64_t iteration, const std::string& text) {
        for (CompareView* view : m_views) {
            view->note(mode, iteration, text);
        }
    }

    void finish() {
        for (CompareView* view : m_views) {
            view->finish(m_comparison);
        }
    }

private:
    void emit(const Record* first, const Record* second) {
        ++m_emitted;
        for (CompareView* view : m_views) {
            view->row(first, second);
        }
    }

    const Comparison& m_comparison;
    std::vector<CompareView*> m_views;
    std::size_t m_emitted = 0;
};

// The two-column summary for stderr.
std::string format_compare_summary(const Comparison& comparison, bool color) {
    const auto& runs = comparison.runs;
    std::string text = fmt::format("leakdemo compare: {} vs {}\n", to_string(runs[0].mode), to_string(runs[1].mode));
    const auto line = [&text, &runs](std::string_view label, auto value_of) {
        std::string cells[2];
        for (std::size_t side = 0; side < 2; ++side) {
            cells[side] = runs[side].summary ? value_of(*runs[side].summary) : std::string("-");
        }
        text += fmt::format("  {:<14} {:>14} {:>14}\n", label, cells[0], cells[1]);
    };
    text += fmt::format("  {:<14} {:>14} {:>14}\n", "", to_string(runs[0].mode), to_string(runs[1].mode));
    line("iterations", [](const Summary& s) { return std::to_string(s.iterations); });
    line("requested", [](const Summary& s) { return format_bytes(s.requested_bytes); });
    line("leaked", [](const Summary& s) { return format_bytes(s.leaked_bytes); });
    line("RSS start", [](const Summary& s) { return format_bytes(s.rss_start_bytes); });
    line("RSS end", [](const Summary& s) { return format_bytes(s.rss_end_bytes); });
    line("RSS growth", [](const Summary& s) { return format_signed_bytes(s.rss_growth_bytes); });
    line("per iteration", [](const Summary& s) {
        return format_signed_bytes(static_cast<std::int64_t>(std::llround(s.rss_growth_per_iteration_bytes)));
    });
    line("peak (VmHWM)",
         [](const Summary& s) { return s.hwm_bytes ? format_bytes(*s.hwm_bytes) : std::string("unknown"); });
    line("max rss", [](const Summary& s) { return format_bytes(s.maxrss_bytes); });
    line("stopped", [](const Summary& s) { return std::string(to_string(s.stop_reason)); });
    // The verdict row is coloured by hand: escape codes must not count towards the column width.
    text += fmt::format("  {:<14}", "verdict");
    for (const ModeRun& run : runs) {
        const std::string word = run.summary ? std::string(to_string(run.summary->verdict)) : std::string("-");
        const bool leaking = run.summary && run.summary->verdict == Verdict::leaking;
        text += fmt::format(" {:>{}}", "", 14 - static_cast<int>(word.size()));
        text += color ? fmt::format("{}{}{}", leaking ? "\033[31m" : "\033[32m", word, reset) : word;
    }
    text += "\n";
    return text;
}

// ---- the children ---------------------------------------------------------------------------------

struct Child {
    pid_t pid = -1;
    int out_fd = -1;  // its stdout: JSON Lines
    int err_fd = -1;  // its stderr: an error line, if any
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
    // Its last line on stderr, without the "leakdemo: error: " both would print.
    std::string_view said = child.err_text;
    while (!said.empty() && said.back() == '\n') {
        said.remove_suffix(1);
    }
    if (const auto newline = said.rfind('\n'); newline != std::string_view::npos) {
        said.remove_prefix(newline + 1);
    }
    constexpr std::string_view prefix = "leakdemo: error: ";
    if (said.substr(0, prefix.size()) == prefix) {
        said.remove_prefix(prefix.size());
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
            m_merger.emit_rest();
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
        for (Child& child : m_children.all()) {
            for (const int fd : {child.out_fd, child.err_fd}) {
                if (fd >= 0) {
                    fds.push_back(pollfd{fd, POLLIN, 0});
                }
            }
        }
        // Short naps while a child is being reaped or a grace period runs; otherwise wait for output.
        const timespec timeout{0, 50'000'000};
        ::ppoll(fds.data(), fds.size(), &timeout, &unblocked);
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
                child.err_text.append(buffer, static_cast<std::size_t>(
                                                  std::min<ssize_t>(got, static_cast<ssize_t>(max_stderr_bytes))));
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
        ModeRun& run = m_result.comparison.runs[side];
        const auto object = parse_json_object(line);
        const auto type = object ? json_string(object.value(), "type") : std::nullopt;
        if (!object || !type) {
            fail(fmt::format("compare: the {} child wrote a line that is not a leakdemo record: {}",
                             to_string(run.mode), object ? "no \"type\"" : object.error()));
            return;
        }
        if (*type == "sample") {
            auto record = record_from_json(object.value());
            if (!record) {
                fail(fmt::format("compare: the {} child wrote a bad sample: {}", to_string(run.mode), record.error()));
                return;
            }
            run.records.push_back(record.value());
            if (!m_output_closed) {
                guarded([this] { m_merger.emit_ready(); });
            }
        } else if (*type == "summary") {
            auto summary = summary_from_json(object.value());
            if (!summary) {
                fail(fmt::format("compare: the {} child wrote a bad summary: {}", to_string(run.mode),
                                 summary.error()));
                return;
            }
            run.summary = summary.value();
        } else if (*type == "note") {
            const std::uint64_t iteration = json_uint(object.value(), "iteration").value_or(0);
            const std::string text = json_string(object.value(), "text").value_or("");
            run.notes.emplace_back(iteration, text);
            if (!m_output_closed) {
                guarded([&] { m_merger.note(run.mode, iteration, text); });
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

std::unique_ptr<CompareView> make_view(Format format, LineWriter& out, const TerminalCaps& caps,
                                       const Options& options) {
    switch (format) {
        case Format::csv:
            return std::make_unique<SinkCompareView>(make_csv_sink(out));
        case Format::jsonl:
            return std::make_unique<SinkCompareView>(make_jsonl_sink(out));
        case Format::table:
        case Format::automatic:
            break;
    }
    return std::make_unique<TableCompareView>(out, caps, options);
}

}  // namespace

Parsed<std::array<Mode, 2>> parse_compare_modes(std::string_view text) {
    using Result = Parsed<std::array<Mode, 2>>;
    const auto comma = text.find(',');
    if (comma == std::string_view::npos) {
        return Result::fail(fmt::format("'{}' names one mode; give two, e.g. leak,free", text));
    }
    const std::string_view names[2] = {text.substr(0, comma), text.substr(comma + 1)};
    if (names[1].find(',') != std::string_view::npos) {
        return Result::fail(fmt::format("'{}' names more than two modes; give two, e.g. leak,free", text));
    }
    std::array<Mode, 2> modes{};
    for (std::size_t side = 0; side < 2; ++side) {
        std::string lower(names[side]);
        std::transform(lower.begin(), lower.end(), lower.begin(),
                       [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
        const auto mode = mode_from_string(lower);
        if (!mode) {
            return Result::fail(fmt::format("'{}' is not a mode (leak, free or hold)", names[side]));
        }
        modes[side] = *mode;
    }
    if (modes[0] == modes[1]) {
        return Result::fail(fmt::format("'{}' names the same mode twice; give two different modes", text));
    }
    return Result::ok(modes);
}

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
    // compare reads the children's JSON Lines and prints its own summary.
    args.insert(args.end(), {"--format", "jsonl", "--quiet"});
    return args;
}

Parsed<Record> record_from_json(const JsonObject& object) {
    FieldReader read(object);
    Record record;
    record.iteration = read.uint("iteration");
    record.elapsed_ns = static_cast<std::int64_t>(std::llround(read.number("elapsed_s") * 1e9));
    record.mode = read.word<Mode>("mode", mode_from_string);
    record.block_bytes = read.uint("block_bytes");
    record.counters.requested_bytes = read.uint("requested_bytes");
    record.counters.outstanding_bytes = read.uint("outstanding_bytes");
    record.counters.leaked_bytes = read.uint("leaked_bytes");
    record.counters.blocks = record.block_bytes > 0 ? record.counters.requested_bytes / record.block_bytes : 0;
    record.sample.rss_bytes = read.uint("rss_bytes");
    record.sample.maxrss_bytes = read.uint("maxrss_bytes");
    record.sample.vsz_bytes = read.uint("vsz_bytes");
    record.sample.minor_faults = read.uint("minor_faults");
    record.sample.major_faults = read.uint("major_faults");
    record.sample.heap_arena_bytes = read.uint("heap_arena_bytes");
    record.sample.heap_mmap_bytes = read.uint("heap_mmap_bytes");
    return read.result(record);
}

Parsed<Summary> summary_from_json(const JsonObject& object) {
    FieldReader read(object);
    Summary summary;
    summary.mode = read.word<Mode>("mode", mode_from_string);
    summary.iterations = read.uint("iterations");
    summary.elapsed_s = read.number("elapsed_s");
    summary.block_bytes = read.uint("block_bytes");
    summary.requested_bytes = read.uint("requested_bytes");
    summary.leaked_bytes = read.uint("leaked_bytes");
    summary.outstanding_bytes = read.uint("outstanding_bytes");
    summary.rss_start_bytes = read.uint("rss_start_bytes");
    summary.rss_end_bytes = read.uint("rss_end_bytes");
    summary.rss_growth_bytes = read.integer("rss_growth_bytes");
    summary.rss_growth_per_iteration_bytes = read.number("rss_growth_per_iteration_bytes");
    summary.maxrss_bytes = read.uint("maxrss_bytes");
    summary.hwm_bytes = json_uint(object, "hwm_bytes");  // null when VmHWM was unreadable
    summary.verdict = read.word<Verdict>("verdict", verdict_from_string);
    summary.stop_reason = read.word<StopReason>("stop_reason", stop_reason_from_string);
    return read.result(summary);
}

CompareResult run_compare(const Options& options) {
    CompareResult result;
    // Like a single run: -o FILE is opened before anything starts (a bad path is a usage error).
    std::unique_ptr<LineWriter> file;
    if (!options.output_path.empty() && options.output_path != "-") {
        try {
            file = LineWriter::open_file(options.output_path);
        } catch (const Error& error) {
            result.exit_code = ExitCode::usage;
            result.failure = fmt::format("--output: {}", error.what());
            return result;
        }
    }
    LineWriter stdout_writer(STDOUT_FILENO);
    const TerminalCaps caps = detect_terminal(STDOUT_FILENO, options.color);
    Format stdout_format = file ? Format::table : (options.output_path == "-" ? options.output_format : options.format);
    if (stdout_format == Format::automatic) {
        stdout_format = caps.is_tty ? Format::table : Format::csv;
    }
    std::vector<std::unique_ptr<CompareView>> views;
    views.push_back(make_view(stdout_format, stdout_writer, caps, options));
    if (file) {
        views.push_back(make_view(options.output_format, *file, TerminalCaps{}, options));
    }
    std::vector<CompareView*> view_pointers;
    for (const auto& view : views) {
        view_pointers.push_back(view.get());
    }

    RowMerger merger(result.comparison, view_pointers);
    CompareSession session(options, result, merger);
    try {
        session.run();
    } catch (const OutputClosed&) {
        // The last rows met a closed stdout: the children are already gone (run() returned or unwound).
        return result;
    }

    if (!result.failure.empty()) {
        result.exit_code = ExitCode::runtime_error;
        return result;
    }
    if (session.output_closed()) {
        return result;  // `compare | head`: a pipeline saying "enough" is success
    }
    if (!options.quiet) {
        const TerminalCaps stderr_caps = detect_terminal(STDERR_FILENO, options.color);
        const std::string text = format_compare_summary(result.comparison, stderr_caps.color);
        [[maybe_unused]] const auto ignored = ::write(STDERR_FILENO, text.data(), text.size());
    }
    if (session.stop_signal_number() != 0) {
        result.exit_code = session.stop_signal_number() == SIGTERM ? ExitCode::terminated : ExitCode::interrupted;
        return result;
    }
    const auto leaking = [](const ModeRun& run) { return run.summary && run.summary->verdict == Verdict::leaking; };
    if (options.fail_on_leak && std::any_of(result.comparison.runs.begin(), result.comparison.runs.end(), leaking)) {
        result.exit_code = ExitCode::leak_detected;
    }
    return result;
}

}  // namespace leakdemo
