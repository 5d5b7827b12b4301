#include "app/run_single.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <climits>
#include <csignal>
#include <memory>
#include <optional>
#include <span>
#include <vector>

#include "app/guard_plan.hpp"
#include "app/plan_outputs.hpp"
#include "app/step_gate.hpp"
#include "cli/run_ending.hpp"
#include "cli/warnings.hpp"
#include "measure/checker_layout.hpp"
#include "measure/run_loop.hpp"
#include "measure/sampler.hpp"
#include "measure/signals.hpp"
#include "measure/workload.hpp"
#include "measure/workload_factory.hpp"
#include "output/bars.hpp"
#include "output/chart.hpp"
#include "output/explain.hpp"
#include "output/formats.hpp"
#include "output/output.hpp"
#include "output/progress.hpp"
#include "output/report.hpp"
#include "output/series.hpp"
#include "util/error.hpp"

namespace leakdemo {
namespace {

class FanoutSink final : public Sink {
  public:
    void add(Sink* sink) { m_sinks.push_back(sink); }
    void record(const Record& record) override {
        for (Sink* sink : m_sinks) {
            sink->record(record);
        }
    }
    void note(Mode mode, std::uint64_t iteration, const std::string& text) override {
        for (Sink* sink : m_sinks) {
            sink->note(mode, iteration, text);
        }
    }
    void summary(const Summary& summary) override {
        for (Sink* sink : m_sinks) {
            sink->summary(summary);
        }
    }

  private:
    std::vector<Sink*> m_sinks;
};

// --explain with CSV (or --summary-only) on stdout: CSV has no place for prose, so notes go to stderr.
class StderrNoteSink final : public Sink {
  public:
    void record(const Record& /*record*/) override {}
    void note(Mode /*mode*/, std::uint64_t iteration, const std::string& text) override {
        print_stderr(fmt::format("leakdemo: note: iteration {}: {}\n", iteration, text));
    }
};

// --bars: auto means the table is on a terminal.
bool bars_wanted(const Options& options, const TerminalCaps& caps) {
    return options.bars == BarsMode::always || (options.bars == BarsMode::automatic && caps.is_tty);
}

// A first bar scale that fits the whole run when its length is known, so rows need no rescale.
std::uint64_t expected_peak_bytes(const Options& options) {
    constexpr std::uint64_t baseline_guess = std::uint64_t{8} << 20;
    const std::uint64_t blocks = options.mode == Mode::free || !options.iterations ? 2 : *options.iterations;
    return baseline_guess + blocks * options.block_bytes;
}

std::unique_ptr<Sink> make_sink(Format format, LineWriter& out, const TerminalCaps& caps, Mode mode,
                                std::optional<std::uint64_t> budget_bytes) {
    switch (format) {
        case Format::csv:
            return make_csv_sink(out);
        case Format::jsonl:
            return make_jsonl_sink(out);
        case Format::table:
        case Format::automatic:
            break;
    }
    return make_table_sink(out, caps, mode, budget_bytes);
}

// Every sink of a single run, wired once: stdout (table, bars, CSV or JSONL), -o FILE, notes on stderr,
// the recorder for --chart/--report, and the --explain wrapper the loop writes to.
class SingleRunSinks {
  public:
    // `budget_bytes`: the guard's, for the tables' time to the limit.
    SingleRunSinks(const Options& options, const OutputPlan& outputs, LineWriter& stdout_writer,
                   std::optional<std::uint64_t> budget_bytes) {
        if (!options.summary_only) {
            const TerminalCaps& caps = outputs.stdout_caps;
            m_stdout =
                outputs.stdout_format == Format::table && bars_wanted(options, caps)
                    ? make_bar_table_sink(stdout_writer, caps, options.mode, expected_peak_bytes(options),
                                          budget_bytes)
                    : make_sink(outputs.stdout_format, stdout_writer, caps, options.mode, budget_bytes);
            m_fanout.add(m_stdout.get());
        }
        if (outputs.file) {
            const TerminalCaps plain{};  // a file gets no colour
            m_file = make_sink(options.output_format, *outputs.file, plain, options.mode, budget_bytes);
            m_fanout.add(m_file.get());
        }
        // Classroom: notes to stderr when stdout cannot carry them; samples kept only for --chart/--report.
        if (options.explain && (options.summary_only || outputs.stdout_format == Format::csv)) {
            m_fanout.add(&m_stderr_notes);
        }
        if (options.chart || !options.report_path.empty()) {
            m_recorder = std::make_unique<SeriesRecorder>(options.mode);
            m_fanout.add(m_recorder.get());
        }
        // The status line on stderr while the rows go elsewhere (--progress): last, after the rows are out.
        const bool rows_on_stdout = !options.summary_only;
        if (progress_wanted(options.progress, current_progress_streams(rows_on_stdout, options.quiet))) {
            m_progress =
                std::make_unique<ProgressSink>(options.iterations, outputs.stderr_caps, STDERR_FILENO);
            m_fanout.add(m_progress.get());
        }
        if (options.explain) {
            ExplainContext context{options.touch, options.mmap_threshold_bytes, options.trim,
                                   options.huge_pages};
            context.threads = options.threads;
            m_explaining = make_explaining_sink(context, m_fanout);
        }
    }
    SingleRunSinks(const SingleRunSinks&) = delete;
    SingleRunSinks& operator=(const SingleRunSinks&) = delete;

    Sink& loop_sink() { return m_explaining ? *m_explaining : m_fanout; }
    // The run as recorded for --chart and --report (empty unless one of them was asked for).
    std::span<const ReportSeries> series() const {
        return m_recorder ? std::span<const ReportSeries>(&m_recorder->series(), 1)
                          : std::span<const ReportSeries>{};
    }

  private:
    FanoutSink m_fanout;
    std::unique_ptr<Sink> m_stdout;
    std::unique_ptr<Sink> m_file;
    StderrNoteSink m_stderr_notes;
    std::unique_ptr<SeriesRecorder> m_recorder;
    std::unique_ptr<ProgressSink> m_progress;
    std::unique_ptr<Sink> m_explaining;
};

// With --summary-only nothing is printed per sample; the summary goes to stdout in the chosen format.
void print_summary_only(const Options& options, const Summary& summary, LineWriter& out,
                        const TerminalCaps& caps) {
    fmt::memory_buffer line;
    switch (options.format) {
        case Format::jsonl:
            append_jsonl_summary(line, summary);
            break;
        case Format::csv:
            line.append(csv_summary_header);
            append_csv_summary_row(line, summary);
            break;
        case Format::table:
        case Format::automatic:
            line.append(format_human_summary(summary, caps.color));
            break;
    }
    out.write_line(line);
}

// The loop and, with --summary-only, its one result on stdout. nullopt when the reader of stdout went away
// (`| head`): that is how a pipeline says "enough", so the run ends quietly.
std::optional<LoopResult> run_until_done(const Options& options, const LoopParts& parts,
                                         LineWriter& stdout_writer, const TerminalCaps& stdout_caps,
                                         std::optional<std::uint64_t> budget_bytes) {
    try {
        LoopResult result = run_loop(LoopConfig{options.iterations, options.interval, budget_bytes}, parts);
        if (options.summary_only) {
            print_summary_only(options, result.summary, stdout_writer, stdout_caps);
        }
        return result;
    } catch (const OutputClosed&) {
        return std::nullopt;
    }
}

}  // namespace

Expected<ExitCode> run_single(const Options& options) {
    using Result = Expected<ExitCode>;
    // 1. The guard first: a budget too small for one block is a usage error, before the output file exists.
    const LiveSystemReader system;
    MonotonicClock clock;
    const Expected<GuardPlan> guard_plan = plan_guard(options, system, 1);
    if (!guard_plan) {
        return Result::fail(guard_plan.error());
    }
    const std::unique_ptr<Guard> guard = make_guard(*guard_plan, system, clock);

    if (options.step_fd &&
        (*options.step_fd > INT_MAX || ::fcntl(static_cast<int>(*options.step_fd), F_GETFD) < 0)) {
        return Result::fail(fmt::format("--step-fd: {} is not an open file descriptor", *options.step_fd));
    }

    // 2. -o FILE and --report are opened before anything is allocated: a bad path is a usage error too.
    const Expected<OutputPlan> outputs = plan_outputs(options);
    if (!outputs) {
        return Result::fail(outputs.error());
    }
    LineWriter stdout_writer(STDOUT_FILENO);
    SingleRunSinks sinks(options, *outputs, stdout_writer,
                         guard_plan->budget ? std::optional(guard_plan->budget->bytes) : std::nullopt);

    // 3. The measured parts, then the guard's line: from here on the run is sure to start. Under valgrind's
    // memcheck, first move the blocks out of reach of the small integers it would take for pointers.
    keep_blocks_clear_of_small_integers();
    ResourceSampler sampler;
    const std::unique_ptr<Workload> workload = make_workload(workload_config(options));
    print_stderr(guard_plan->notes);
    print_stderr(warning_lines(options, outputs->stdout_format));

    // 4. Run (a compare child in step with its partner: --step-fd). The report is written however the run
    // ended: completed, Ctrl-C, allocation failure, `| head`.
    std::optional<PipeStepGate> step_gate;
    if (options.step_fd) {
        step_gate.emplace(static_cast<int>(std::min<std::uint64_t>(*options.step_fd, INT_MAX)));
    }
    LoopParts parts{sampler, clock, *workload, *guard, sinks.loop_sink(), &stop_signal};
    parts.step_gate = step_gate ? &*step_gate : nullptr;
    const std::optional<LoopResult> result =
        run_until_done(options, parts, stdout_writer, outputs->stdout_caps,
                       guard_plan->budget ? std::optional(guard_plan->budget->bytes) : std::nullopt);
    // -o FILE and the report are renamed into place only now; a run that fails (throws) leaves FILE as
    // it was and removes the temporary files.
    if (outputs->output_file) {
        outputs->output_file->commit();
    }
    if (outputs->report_file) {
        write_html_report(*outputs->report_file, report_parameters(options), sinks.series());
    }
    if (!result) {
        // The reader went away. A terminal that hung up also sent SIGHUP: then the run ends as SIGHUP's.
        return Result::ok(stop_signal() != 0 ? exit_code_for_stop_signal(stop_signal()) : ExitCode::success);
    }

    // 5. The ending on stderr, and the exit code that says how the run ended.
    print_run_ending(options, *result, outputs->stderr_caps, sinks.series());
    return Result::ok(run_exit_code(options, *result));
}

}  // namespace leakdemo
