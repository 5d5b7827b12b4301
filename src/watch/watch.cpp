// `leakdemo watch` as commented steps, like run_single: plan, start, sample, end.
#include "watch/watch.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <memory>
#include <span>
#include <utility>

#include "measure/clock.hpp"
#include "measure/memory_guard.hpp"
#include "measure/signals.hpp"
#include "output/chart.hpp"
#include "output/report.hpp"
#include "output/series.hpp"
#include "util/error.hpp"
#include "util/units.hpp"
#include "watch/command.hpp"
#include "watch/process_reader.hpp"
#include "watch/watch_output.hpp"
#include "watch/watch_session.hpp"

namespace leakdemo {
namespace {

// Every sink of a watch, wired once: stdout, -o FILE, notes on stderr, the recorder for --chart/--report.
class WatchSinks {
  public:
    WatchSinks(const Options& options, const OutputPlan& outputs, LineWriter& stdout_writer)
        : m_recorder(Mode::leak) {
        if (!options.summary_only) {
            m_stdout = make_watch_sink(outputs.stdout_format, stdout_writer, outputs.stdout_caps);
            m_fanout.add(m_stdout.get());
        }
        if (outputs.file) {
            m_file = make_watch_sink(options.output_format, *outputs.file, TerminalCaps{});
            m_fanout.add(m_file.get());
        }
        // Notes go where samples go: rows of the table, watch_note records of JSON Lines; CSV has no place
        // for prose (nor has --summary-only), so there they go to stderr.
        if (options.explain && (options.summary_only || outputs.stdout_format == Format::csv)) {
            m_notes = make_watch_stderr_notes();
            m_fanout.add(m_notes.get());
        }
        if (options.chart || !options.report_path.empty()) {
            m_adapter = make_watch_series_adapter(m_recorder);
            m_fanout.add(m_adapter.get());
        }
    }
    WatchSink& sink() { return m_fanout; }
    // The series is the watched program's, not a run's: its name and summary for --report and --chart.
    void describe(WatchedProgram watched) { m_recorder.series().watched = std::move(watched); }
    std::span<const ReportSeries> series() const { return {&m_recorder.series(), 1}; }

  private:
    WatchFanout m_fanout;
    std::unique_ptr<WatchSink> m_stdout;
    std::unique_ptr<WatchSink> m_file;
    std::unique_ptr<WatchSink> m_notes;
    SeriesRecorder m_recorder;
    std::unique_ptr<WatchSink> m_adapter;
};

// The command line as given, or "PID N".
std::string watched_name(const Options& options, pid_t pid) {
    std::string what = options.watch.command.empty() ? fmt::format("PID {}", pid) : std::string();
    for (const std::string& arg : options.watch.command) {
        what += (what.empty() ? "" : " ") + arg;
    }
    return what;
}

std::vector<ReportParameter> watch_parameters(const Options& options, pid_t pid) {
    return {
        {"watched", watched_name(options, pid)},
        {"tree",
         options.watch.include_children ? "the process and its descendants, summed" : "top process only"},
        {"interval", format_duration(options.interval)},
        {"metric", std::string(to_string(options.watch.metric))},
        {"leak rate",
         fmt::format("{}/s", format_bytes(static_cast<std::uint64_t>(options.watch.leak_rate_bytes_per_s)))}};
}

void print_ending(const Options& options, const WatchEnd& end, const OutputPlan& outputs,
                  std::span<const ReportSeries> series, LineWriter& stdout_writer) {
    if (!end.stop_message.empty()) {
        print_stderr(fmt::format("leakdemo: {}\n", end.stop_message));
    }
    if (options.summary_only && !end.output_closed) {
        fmt::memory_buffer line;
        append_watch_summary(line, options.format, end.summary, outputs.stdout_caps.color);
        try {
            stdout_writer.write_line(line);
        } catch (const OutputClosed&) {
        }
    } else if (!options.quiet) {
        print_stderr(format_watch_summary(end.summary, outputs.stderr_caps.color));
    }
    if (options.chart) {
        const TerminalCaps& caps = outputs.stderr_caps;
        print_stderr(render_chart(series, ChartStyle{caps.width, 12, caps.unicode}));
    }
}

}  // namespace

Expected<ExitCode> run_watch(const Options& options, const std::optional<Budget>& budget,
                             const std::string& guard_notes, const OutputPlan& outputs) {
    using Result = Expected<ExitCode>;
    // 1. The guard on the planned budget (re-read twice a second: the tree's RSS moves faster than a run's
    //    blocks), the place for COMMAND's output, the sinks.
    MonotonicClock clock;
    std::unique_ptr<MemoryGuard> guard;
    if (budget) {
        guard = std::make_unique<MemoryGuard>(*budget, live_system_reader(), clock,
                                              std::chrono::milliseconds(500));
    }
    const Expected<CommandOutput> command_output = parse_command_output(options.watch.command_output);
    if (!command_output) {
        return Result::fail(fmt::format("--command-output: {}", command_output.error()));
    }
    // A kernel thread (kthreadd, PID 2) has no memory of its own: nothing to watch, a usage error.
    if (options.watch.pid && is_kernel_thread(static_cast<pid_t>(*options.watch.pid))) {
        return Result::fail(fmt::format("--pid: {} is a kernel thread; it has no memory of its own to watch",
                                        *options.watch.pid));
    }
    LineWriter stdout_writer(STDOUT_FILENO);
    WatchSinks sinks(options, outputs, stdout_writer);

    // 2. Start COMMAND (or take --pid's process). Ctrl-Z is followed from here on (the session stops and
    //    resumes the tree with watch); a Ctrl-C is forwarded, a second one kills the group
    //    (measure/signals.hpp).
    install_job_control_handlers();
    WatchedCommand command;
    pid_t pid = static_cast<pid_t>(options.watch.pid.value_or(0));
    if (!options.watch.command.empty()) {
        if (const auto failed = command.start(options.watch.command, *command_output)) {
            throw Error(failed->message, failed->exit_code);  // leakdemo_main says it; 126 or 127
        }
        pid = command.pid();
        set_group_killed_on_second_signal(pid);
    }
    print_stderr(guard_notes);

    // 3. Sample until it ends; 4. the report however it ended, then the ending and the exit status.
    WatchSession session(options, pid, options.watch.command.empty() ? nullptr : &command, guard.get(), clock,
                         sinks.sink());
    const WatchEnd end = session.run();
    set_group_killed_on_second_signal(0);
    sinks.describe(WatchedProgram{watched_name(options, pid), watch_summary_rows(end.summary),
                                  std::string(to_string(end.summary.verdict))});
    // -o FILE and the report are renamed into place only now (output/safe_file.hpp).
    if (outputs.output_file) {
        outputs.output_file->commit();
    }
    if (outputs.report_file) {
        write_html_report(*outputs.report_file, watch_parameters(options, pid), sinks.series());
    }
    print_ending(options, end, outputs, sinks.series(), stdout_writer);
    return Result::ok(static_cast<ExitCode>(end.exit_code));
}

}  // namespace leakdemo
