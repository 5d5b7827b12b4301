#include "live/live.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <array>
#include <memory>
#include <span>
#include <vector>

#include "cli/run_ending.hpp"
#include "cli/warnings.hpp"
#include "live/controls.hpp"
#include "live/key_gate.hpp"
#include "live/live_screen.hpp"
#include "live/switching_workload.hpp"
#include "live/terminal_session.hpp"
#include "measure/clock.hpp"
#include "measure/run_loop.hpp"
#include "measure/sampler.hpp"
#include "measure/signals.hpp"
#include "output/chart.hpp"
#include "output/explain.hpp"
#include "output/formats.hpp"
#include "output/human_summary.hpp"
#include "output/report.hpp"
#include "output/series.hpp"

namespace leakdemo {
namespace {

// Where live's records, notes and key events go: the screen, -o FILE (JSONL gets the events, CSV only
// the samples) and the recorder for --report and --chart; --explain wraps them all.
class LiveSinks final : public Sink {
  public:
    LiveSinks(const Options& options, const OutputPlan& outputs, LiveScreen& screen) : m_screen(screen) {
        if (outputs.file) {
            m_file = options.output_format == Format::csv ? make_csv_sink(*outputs.file)
                                                          : make_jsonl_sink(*outputs.file);
        }
        if (options.chart || !options.report_path.empty()) {
            m_recorder = std::make_unique<SeriesRecorder>(options.mode);
        }
        if (options.explain) {
            m_explaining = make_explaining_sink(
                ExplainContext{options.touch, options.mmap_threshold_bytes, options.trim, options.huge_pages},
                *this);
        }
    }
    LiveSinks(const LiveSinks&) = delete;
    LiveSinks& operator=(const LiveSinks&) = delete;

    void record(const Record& record) override {
        for_each([&](Sink& sink) { sink.record(record); });
    }
    void note(Mode mode, std::uint64_t iteration, const std::string& text) override {
        for_each([&](Sink& sink) { sink.note(mode, iteration, text); });
    }
    void event(std::uint64_t iteration, std::string_view key, const std::string& text) override {
        for_each([&](Sink& sink) { sink.event(iteration, key, text); });
    }
    void summary(const Summary& summary) override {
        for_each([&](Sink& sink) { sink.summary(summary); });
    }

    Sink& loop_sink() { return m_explaining ? *m_explaining : *this; }
    std::span<const ReportSeries> series() const {
        return m_recorder ? std::span<const ReportSeries>(&m_recorder->series(), 1)
                          : std::span<const ReportSeries>{};
    }

  private:
    template <typename Call>
    void for_each(Call call) {
        if (m_file) {
            call(*m_file);
        }
        if (m_recorder) {
            call(*m_recorder);
        }
        call(m_screen);  // last: the frame shows what the files already have
    }

    LiveScreen& m_screen;
    std::unique_ptr<Sink> m_file;
    std::unique_ptr<SeriesRecorder> m_recorder;
    std::unique_ptr<Sink> m_explaining;
};

// The session's modes for the summary, in the order first used (no allocation: one slot per mode).
struct SessionUse {
    std::array<ModeUse, SwitchingWorkload::mode_count> modes{};
    std::size_t count = 0;
};

SessionUse session_use(const SwitchingWorkload& workload) {
    SessionUse session;
    for (const Mode mode : workload.modes_used()) {
        session.modes[session.count++] =
            ModeUse{mode, workload.iterations_in(mode), workload.held_bytes_in(mode)};
    }
    return session;
}

// Why the run ended without q or a signal, for the screen's last frame; empty when it did not.
std::string ended_by_itself(const LoopResult& result) {
    switch (result.summary.stop_reason) {
        case StopReason::completed:
            return fmt::format("finished: {} iteration{}", result.summary.iterations,
                               result.summary.iterations == 1 ? "" : "s");
        case StopReason::guard:
            return "stopped by the memory guard";
        case StopReason::alloc_failed:
            return "stopped: an allocation failed";
        case StopReason::interrupted:
            break;
    }
    return {};
}

}  // namespace

std::optional<std::string> live_terminal_problem(int in_fd, int out_fd) {
    if (::isatty(in_fd) != 1) {
        return "live: needs a terminal on stdin (it reads keys from there)";
    }
    if (::isatty(out_fd) != 1) {
        return "live: needs a terminal on stdout (it draws a full screen)";
    }
    return std::nullopt;
}

Expected<ExitCode> run_live(const Options& options, Guard& guard, std::optional<std::uint64_t> budget_bytes,
                            const std::string& guard_notes, const OutputPlan& outputs) {
    // 1. Every mode's workload, the sampler and the clock: made before the baseline, allocating none of
    // the workload's memory. The starting mode must exist; a mode that does not is shown unavailable.
    SwitchingWorkload workload(workload_config(options));
    ResourceSampler sampler;
    MonotonicClock clock;
    print_stderr(guard_notes);
    print_stderr(warning_lines(options, Format::table));
    install_job_control_handlers();

    // 2. The terminal, the screen (its ring and frame buffer) and the sinks, then the loop paced by keys.
    std::optional<LoopResult> result;
    bool quit_by_key = false;
    {
        TerminalSession terminal(STDIN_FILENO, STDOUT_FILENO);
        LiveScreen screen(STDOUT_FILENO, workload, budget_bytes, options.interval,
                          outputs.stdout_caps.unicode, outputs.stdout_caps.color);
        LiveSinks sinks(options, outputs, screen);
        LiveControls controls(workload, sampler, screen, sinks, options.interval);
        KeyGate gate(STDIN_FILENO, clock, controls, screen, terminal);
        LoopParts parts{sampler, clock, workload, guard, sinks.loop_sink(), &stop_signal};
        parts.step_gate = &gate;
        result =
            run_loop(LoopConfig{options.iterations, std::chrono::nanoseconds::zero(), budget_bytes}, parts);
        quit_by_key = controls.quit();

        // 3. -o FILE and the report are renamed into place as soon as the run is over, before any wait: a
        // failure above (throw) leaves FILE as it was.
        if (outputs.output_file) {
            outputs.output_file->commit();
        }
        if (outputs.report_file) {
            std::vector<ReportParameter> parameters = report_parameters(options);
            parameters.push_back({"live", "modes switched by keys (see Key presses); mode above: the first"});
            write_html_report(*outputs.report_file, parameters, sinks.series());
        }

        // 4. A run that ended by itself (-n, the guard, a failed allocation) keeps its last frame, saying
        // why, until q: the class sees the final chart. After q or a stop signal it leaves at once.
        if (const std::string why = ended_by_itself(*result); !why.empty()) {
            screen.show_ended(why, result->stop_message);
            gate.wait_to_leave();
        }
        terminal.leave();  // the normal screen before anything else is printed
        const SessionUse session = session_use(workload);
        print_run_ending(options, *result, outputs.stderr_caps, sinks.series(),
                         std::span<const ModeUse>(session.modes.data(), session.count));
    }
    return Expected<ExitCode>::ok(run_exit_code(options, *result, quit_by_key));
}

}  // namespace leakdemo
