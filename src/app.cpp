#include "leakdemo/app.hpp"

#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <exception>
#include <memory>
#include <optional>
#include <vector>

#include <fmt/format.h>

#include "leakdemo/bars.hpp"
#include "leakdemo/chart.hpp"
#include "leakdemo/cli.hpp"
#include "leakdemo/compare.hpp"
#include "leakdemo/error.hpp"
#include "leakdemo/exit_code.hpp"
#include "leakdemo/formats.hpp"
#include "leakdemo/explain.hpp"
#include "leakdemo/memory_guard.hpp"
#include "leakdemo/output.hpp"
#include "leakdemo/report.hpp"
#include "leakdemo/run_loop.hpp"
#include "leakdemo/signals.hpp"
#include "leakdemo/units.hpp"

namespace leakdemo {
namespace {

// Diagnostics: one line each, straight to fd 2 in one write.
void print_error(std::string_view message) {
    std::string line = fmt::format("leakdemo: error: {}", message);
    // One line, even when the message quotes a user's path that holds a newline.
    std::replace(line.begin(), line.end(), '\n', ' ');
    line += '\n';
    [[maybe_unused]] const auto ignored = ::write(STDERR_FILENO, line.data(), line.size());
}

void print_stderr(std::string_view text) {
    [[maybe_unused]] const auto ignored = ::write(STDERR_FILENO, text.data(), text.size());
}

class FanoutSink final : public Sink {
public:
    void add(Sink* sink) { m_sinks.push_back(sink); }
    void record(const Record& record) override {
        for (Sink* sink : m_sinks) {
            sink->record(record);
        }
    }
    void note(std::uint64_t iteration, const std::string& text) override {
        for (Sink* sink : m_sinks) {
            sink->note(iteration, text);
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
    void note(std::uint64_t iteration, const std::string& text) override {
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

std::unique_ptr<Sink> make_sink(Format format, LineWriter& out, const TerminalCaps& caps, Mode mode) {
    switch (format) {
        case Format::csv:
            return make_csv_sink(out);
        case Format::jsonl:
            return make_jsonl_sink(out);
        case Format::table:
        case Format::automatic:
            break;
    }
    return make_table_sink(out, caps, mode);
}

// With --summary-only nothing is printed per sample; the summary goes to stdout in the chosen format.
void print_summary_only(const Options& options, const Summary& summary, LineWriter& out, const TerminalCaps& caps) {
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

ExitCode exit_code_for(const Options& options, const LoopResult& result) {
    switch (result.summary.stop_reason) {
        case StopReason::interrupted:
            return result.signal_number == SIGTERM ? ExitCode::terminated : ExitCode::interrupted;
        case StopReason::alloc_failed:
        case StopReason::guard:
            return ExitCode::stopped_early;
        case StopReason::completed:
            break;
    }
    if (options.fail_on_leak && result.summary.verdict == Verdict::leaking) {
        return ExitCode::leak_detected;
    }
    return ExitCode::success;
}

// The memory guard for this run, or a usage error (exit 2) before anything is allocated or created.
// `notes` gets what stderr should say once the run is sure to start: the budget and its source, and the
// --no-guard warning.
struct GuardSetup {
    std::unique_ptr<Guard> guard;
    std::optional<ExitCode> exit;
    std::string notes;
};

GuardSetup make_guard(const Options& options, const SystemReader& system, Clock& clock) {
    GuardSetup setup;
    if (!options.guard.enabled) {
        setup.notes = "leakdemo: warning: --no-guard: the memory guard is off; a runaway leak ends when malloc fails "
                      "or the OOM killer sends SIGKILL\n";
        setup.guard = std::make_unique<NoGuard>();
        return setup;
    }
    const BudgetResolution resolution = resolve_budget(options.guard, system);
    if (!resolution.error.empty()) {
        print_error(fmt::format("--max-memory: {}", resolution.error));
        setup.exit = ExitCode::usage;
        return setup;
    }
    if (!resolution.budget) {
        setup.notes = fmt::format("leakdemo: warning: {}\n", resolution.warning);
        setup.guard = std::make_unique<NoGuard>();
        return setup;
    }
    const Budget& budget = *resolution.budget;
    if (options.block_bytes > budget.bytes) {
        print_error(fmt::format("--block-size: {} is more than the memory guard allows ({}, {}); lower it or "
                                "raise --max-memory",
                                format_bytes(options.block_bytes), format_bytes(budget.bytes), budget.source));
        setup.exit = ExitCode::usage;
        return setup;
    }
    // The budget line is for people watching; --summary-only output is the one-liner a script reads.
    if (!options.quiet && !options.summary_only) {
        setup.notes = fmt::format("leakdemo: guard: stopping before {} ({})\n", format_bytes(budget.bytes),
                                  budget.source);
    }
    setup.guard = std::make_unique<MemoryGuard>(budget, system, clock);
    return setup;
}

ExitCode run_single(const Options& options) {
    // The guard first: a budget too small for one block is a usage error, before the output file exists.
    const LiveSystemReader system;
    MonotonicClock clock;
    GuardSetup guard_setup = make_guard(options, system, clock);
    if (guard_setup.exit) {
        return *guard_setup.exit;
    }
    Guard& guard = *guard_setup.guard;

    // The output file is opened before anything is allocated: a bad path is a usage error (exit 2).
    std::unique_ptr<LineWriter> file;
    if (!options.output_path.empty() && options.output_path != "-") {
        try {
            file = LineWriter::open_file(options.output_path);
        } catch (const Error& error) {
            print_error(fmt::format("--output: {}", error.what()));
            return ExitCode::usage;
        }
    }

    // --report: likewise checked before any allocation; the report itself is written at the end.
    if (!options.report_path.empty()) {
        try {
            LineWriter::open_file(options.report_path);
        } catch (const Error& error) {
            print_error(fmt::format("--report: {}", error.what()));
            return ExitCode::usage;
        }
    }

    LineWriter stdout_writer(STDOUT_FILENO);
    TerminalCaps caps = detect_terminal(STDOUT_FILENO, options.color);
    TerminalCaps stderr_caps = detect_terminal(STDERR_FILENO, options.color);
    if (options.ascii) {
        caps.unicode = false;
        stderr_caps.unicode = false;
    }

    // stdout: with -o FILE the terminal keeps the table; with -o - stdout is the file; otherwise --format.
    Format stdout_format = options.format;
    if (file) {
        stdout_format = Format::table;
    } else if (options.output_path == "-") {
        stdout_format = options.output_format;
    }
    if (stdout_format == Format::automatic) {
        stdout_format = caps.is_tty ? Format::table : Format::csv;
    }

    FanoutSink sinks;
    std::unique_ptr<Sink> stdout_sink;
    std::unique_ptr<Sink> file_sink;
    if (!options.summary_only) {
        stdout_sink = stdout_format == Format::table && bars_wanted(options, caps)
                          ? make_bar_table_sink(stdout_writer, caps, options.mode, expected_peak_bytes(options))
                          : make_sink(stdout_format, stdout_writer, caps, options.mode);
        sinks.add(stdout_sink.get());
    }
    if (file) {
        const TerminalCaps plain{};  // a file gets no colour
        file_sink = make_sink(options.output_format, *file, plain, options.mode);
        sinks.add(file_sink.get());
    }

    // Classroom: notes to stderr when stdout cannot carry them; samples kept only for --chart/--report.
    StderrNoteSink stderr_notes;
    if (options.explain && (options.summary_only || stdout_format == Format::csv)) {
        sinks.add(&stderr_notes);
    }
    std::unique_ptr<SeriesRecorder> recorder;
    if (options.chart || !options.report_path.empty()) {
        recorder = std::make_unique<SeriesRecorder>(options.mode);
        sinks.add(recorder.get());
    }
    Sink* loop_sink = &sinks;
    std::unique_ptr<Sink> explaining_sink;
    if (options.explain) {
        explaining_sink =
            make_explaining_sink(ExplainContext{options.touch, options.mmap_threshold_bytes, options.trim}, sinks);
        loop_sink = explaining_sink.get();
    }
    // Written after the run however it ended: completed, Ctrl-C, allocation failure, or `| head`.
    const auto write_report = [&options, &recorder] {
        if (!options.report_path.empty()) {
            write_html_report(options.report_path, report_parameters(options),
                              std::span<const ReportSeries>(&recorder->series(), 1));
        }
    };

    ResourceSampler sampler;
    BlockWorkloadConfig workload_config{options.mode, options.touch, options.block_bytes, options.fill};
    workload_config.mmap_threshold_bytes = options.mmap_threshold_bytes;
    workload_config.trim = options.trim;
    BlockWorkload workload(workload_config);

    print_stderr(guard_setup.notes);

    LoopConfig config{options.mode, options.iterations, options.interval};
    LoopResult result;
    try {
        result = run_loop(config, LoopParts{sampler, clock, workload, guard, *loop_sink, &stop_signal});
        if (options.summary_only) {
            print_summary_only(options, result.summary, stdout_writer, caps);
        }
    } catch (const OutputClosed&) {
        // The reader went away (`| head`): that is how a pipeline says "enough". End quietly.
        write_report();
        return ExitCode::success;
    }
    write_report();

    if (!result.stop_message.empty()) {
        print_stderr(fmt::format("leakdemo: {}\n", result.stop_message));
    }
    if (!options.quiet && !options.summary_only) {
        print_stderr(format_human_summary(result.summary, stderr_caps.color));
    }
    if (options.chart) {
        print_stderr(render_chart(std::span<const ReportSeries>(&recorder->series(), 1),
                                  ChartStyle{stderr_caps.width, 12, stderr_caps.unicode}));
    }
    return exit_code_for(options, result);
}

}  // namespace

int leakdemo_main(int argc, char** argv) {
    try {
        CliResult parsed = parse_command_line(argc, argv);
        if (auto* info = std::get_if<InfoRequest>(&parsed)) {
            std::fputs(info->text.c_str(), stdout);
            return to_int(ExitCode::success);
        }
        if (auto* usage = std::get_if<UsageError>(&parsed)) {
            print_error(usage->message);
            return to_int(ExitCode::usage);
        }
        install_signal_handlers();
        const Options& options = std::get<Options>(parsed);
        if (options.command == Command::compare) {
            const CompareResult result = run_compare(options);
            if (!result.failure.empty()) {
                print_error(result.failure);
            }
            return to_int(result.exit_code);
        }
        return to_int(run_single(options));
    } catch (const Error& error) {
        print_error(error.what());
    } catch (const std::exception& error) {
        print_error(fmt::format("unexpected failure: {}", error.what()));
    }
    return to_int(ExitCode::runtime_error);
}

}  // namespace leakdemo
