#include "app/app.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <exception>
#include <memory>
#include <optional>
#include <vector>

#include "app/plan_outputs.hpp"
#include "cli/cli.hpp"
#include "compare/compare.hpp"
#include "measure/memory_guard.hpp"
#include "measure/run_loop.hpp"
#include "measure/signals.hpp"
#include "output/bars.hpp"
#include "output/chart.hpp"
#include "output/explain.hpp"
#include "output/formats.hpp"
#include "output/output.hpp"
#include "output/report.hpp"
#include "util/error.hpp"
#include "util/exit_code.hpp"
#include "util/units.hpp"

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

// The memory guard's plan: the budget (nullopt: no guard), or a usage error (exit 2) before anything is
// allocated or created. `notes` is what stderr says once the run is sure to start: the budget and its
// source, or a warning. `compare` plans with two shares: each child guards half of the budget (issue: two
// leaking children, each allowed the whole budget, would together pass it).
struct GuardPlan {
    std::optional<Budget> budget;
    std::optional<ExitCode> exit;
    std::string notes;
};

GuardPlan plan_guard(const Options& options, const SystemReader& system, std::uint64_t shares) {
    GuardPlan plan;
    if (!options.guard.enabled) {
        plan.notes =
            "leakdemo: warning: --no-guard: the memory guard is off; a runaway leak ends when malloc fails "
            "or the OOM killer sends SIGKILL\n";
        return plan;
    }
    const BudgetResolution resolution = resolve_budget(options.guard, system);
    if (!resolution.error.empty()) {
        print_error(fmt::format("--max-memory: {}", resolution.error));
        plan.exit = ExitCode::usage;
        return plan;
    }
    if (!resolution.budget) {
        plan.notes = fmt::format("leakdemo: warning: {}\n", resolution.warning);
        return plan;
    }
    Budget budget = *resolution.budget;
    const std::string whose =
        shares > 1 ? fmt::format(", each of {} children gets 1/{}", shares, shares) : "";
    budget.bytes /= shares;
    if (options.block_bytes > budget.bytes) {
        print_error(
            fmt::format("--block-size: {} is more than the memory guard allows ({}, {}{}); lower it or "
                        "raise --max-memory",
                        format_bytes(options.block_bytes), format_bytes(budget.bytes), budget.source, whose));
        plan.exit = ExitCode::usage;
        return plan;
    }
    // The budget line is for people watching; --summary-only output is the one-liner a script reads.
    if (!options.quiet && !options.summary_only) {
        plan.notes =
            fmt::format("leakdemo: guard: stopping {}before {} ({}{})\n", shares > 1 ? "each child " : "",
                        format_bytes(budget.bytes), budget.source, whose);
    }
    plan.budget = budget;
    return plan;
}

ExitCode run_single(const Options& options) {
    // The guard first: a budget too small for one block is a usage error, before the output file exists.
    const LiveSystemReader system;
    MonotonicClock clock;
    const GuardPlan guard_plan = plan_guard(options, system, 1);
    if (guard_plan.exit) {
        return *guard_plan.exit;
    }
    std::unique_ptr<Guard> guard;
    if (guard_plan.budget) {
        guard = std::make_unique<MemoryGuard>(*guard_plan.budget, system, clock);
    } else {
        guard = std::make_unique<NoGuard>();
    }

    // -o FILE and --report are opened before anything is allocated: a bad path is a usage error (exit 2).
    OutputPlan outputs;
    if (auto usage = plan_outputs(options, outputs)) {
        print_error(*usage);
        return ExitCode::usage;
    }
    const std::unique_ptr<LineWriter>& file = outputs.file;
    const TerminalCaps& caps = outputs.stdout_caps;
    const TerminalCaps& stderr_caps = outputs.stderr_caps;
    const Format stdout_format = outputs.stdout_format;
    LineWriter stdout_writer(STDOUT_FILENO);

    FanoutSink sinks;
    std::unique_ptr<Sink> stdout_sink;
    std::unique_ptr<Sink> file_sink;
    if (!options.summary_only) {
        stdout_sink =
            stdout_format == Format::table && bars_wanted(options, caps)
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
        explaining_sink = make_explaining_sink(
            ExplainContext{options.touch, options.mmap_threshold_bytes, options.trim, options.huge_pages},
            sinks);
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
    workload_config.huge_pages = options.huge_pages;
    BlockWorkload workload(workload_config);

    print_stderr(guard_plan.notes);

    LoopConfig config{options.mode, options.iterations, options.interval};
    LoopResult result;
    try {
        result = run_loop(config, LoopParts{sampler, clock, workload, *guard, *loop_sink, &stop_signal});
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
        // Huge pages are a property of the machine, not of the command line: exit 1, before anything exists.
        if (options.huge_pages) {
            if (const auto why = huge_pages_unavailable()) {
                print_error(fmt::format("--huge-pages: {}", *why));
                return to_int(ExitCode::runtime_error);
            }
        }
        if (options.command == Command::compare) {
            // The guard's budget is resolved once, here, and split: each child guards its own half.
            const GuardPlan guard_plan = plan_guard(options, LiveSystemReader{}, 2);
            if (guard_plan.exit) {
                return to_int(*guard_plan.exit);
            }
            Options for_children = options;
            for_children.guard = GuardRequest{};
            for_children.guard.enabled = guard_plan.budget.has_value();
            if (guard_plan.budget) {
                for_children.guard.max_bytes = guard_plan.budget->bytes;
            }
            OutputPlan outputs;
            if (auto usage = plan_outputs(options, outputs)) {
                print_error(*usage);
                return to_int(ExitCode::usage);
            }
            print_stderr(guard_plan.notes);
            const Expected<ExitCode> ended = run_compare(for_children, outputs);
            if (!ended) {
                print_error(ended.error());
                return to_int(ExitCode::runtime_error);
            }
            return to_int(ended.value());
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
