#include "leakdemo/app.hpp"

#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <exception>
#include <memory>
#include <vector>

#include <fmt/format.h>

#include "leakdemo/cli.hpp"
#include "leakdemo/error.hpp"
#include "leakdemo/exit_code.hpp"
#include "leakdemo/formats.hpp"
#include "leakdemo/output.hpp"
#include "leakdemo/run_loop.hpp"
#include "leakdemo/signals.hpp"
#include "leakdemo/units.hpp"

namespace leakdemo {
namespace {

// Diagnostics: one line each, straight to fd 2 in one write.
void print_error(std::string_view message) {
    const std::string line = fmt::format("leakdemo: error: {}\n", message);
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

ExitCode run_single(const Options& options) {
    // Huge pages are a property of the machine, not of the command line: exit 1, before anything exists.
    if (options.huge_pages) {
        if (const auto why = huge_pages_unavailable()) {
            print_error(fmt::format("--huge-pages: {}", *why));
            return ExitCode::runtime_error;
        }
    }

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

    LineWriter stdout_writer(STDOUT_FILENO);
    const TerminalCaps caps = detect_terminal(STDOUT_FILENO, options.color);
    const TerminalCaps stderr_caps = detect_terminal(STDERR_FILENO, options.color);

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
        stdout_sink = make_sink(stdout_format, stdout_writer, caps, options.mode);
        sinks.add(stdout_sink.get());
    }
    if (file) {
        const TerminalCaps plain{};  // a file gets no colour
        file_sink = make_sink(options.output_format, *file, plain, options.mode);
        sinks.add(file_sink.get());
    }

    ResourceSampler sampler;
    MonotonicClock clock;
    BlockWorkload workload(
        BlockWorkloadConfig{options.mode, options.touch, options.block_bytes, options.fill, options.huge_pages});
    NoGuard guard;

    LoopConfig config{options.mode, options.iterations, options.interval};
    LoopResult result;
    try {
        result = run_loop(config, LoopParts{sampler, clock, workload, guard, sinks, &stop_signal});
        if (options.summary_only) {
            print_summary_only(options, result.summary, stdout_writer, caps);
        }
    } catch (const OutputClosed&) {
        // The reader went away (`| head`): that is how a pipeline says "enough". End quietly.
        return ExitCode::success;
    }

    if (!result.stop_message.empty()) {
        print_stderr(fmt::format("leakdemo: {}\n", result.stop_message));
    }
    if (!options.quiet && !options.summary_only) {
        print_stderr(format_human_summary(result.summary, stderr_caps.color));
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
        return to_int(run_single(std::get<Options>(parsed)));
    } catch (const Error& error) {
        print_error(error.what());
    } catch (const std::exception& error) {
        print_error(fmt::format("unexpected failure: {}", error.what()));
    }
    return to_int(ExitCode::runtime_error);
}

}  // namespace leakdemo
