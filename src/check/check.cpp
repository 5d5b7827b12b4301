// `leakdemo check` as steps: find the checkers, run leakdemo under each, parse their reports, judge, show.
#include "check/check.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "check/check_view.hpp"
#include "check/checker_run.hpp"
#include "check/checkers.hpp"
#include "check/lsan_report.hpp"
#include "check/valgrind_report.hpp"
#include "compare/child_arguments.hpp"
#include "measure/signals.hpp"
#include "output/encode.hpp"
#include "output/formats.hpp"
#include "output/output.hpp"
#include "output/progress.hpp"
#include "output/terminal.hpp"
#include "util/error.hpp"
#include "util/units.hpp"

namespace leakdemo {
namespace {

namespace fs = std::filesystem;

struct FoundChecker {
    Checker checker;
    std::string tool;  // valgrind's path, or liblsan.so.0's
};

// LSan's malloc answers every mallopt(3) with 0 (failed), so a run under it cannot set --mmap-threshold:
// refused when LSan is the only checker, else LSan is skipped with a note and valgrind checks alone.
Status lsan_takes(const Options& options, bool lsan_alone) {
    if (!options.mmap_threshold_bytes) {
        return success();
    }
    if (lsan_alone) {
        return Status::fail(
            "--mmap-threshold: LeakSanitizer's malloc ignores mallopt(3); use --with valgrind");
    }
    if (!options.quiet) {
        print_stderr(
            "leakdemo: note: check: LeakSanitizer skipped: its malloc ignores mallopt(3) "
            "(--mmap-threshold)\n");
    }
    return success();
}

// The checkers --with asks for that are installed; one asked for by name and missing is an error (exit 1),
// a --valgrind or $LEAKDEMO_VALGRIND that is no executable a usage error (exit 2).
Expected<std::vector<FoundChecker>> find_checkers(const Options& options) {
    const CheckerChoice with = options.check.with;
    std::vector<FoundChecker> found;
    if (with != CheckerChoice::lsan) {
        const auto valgrind = find_valgrind(options.check.valgrind_path);
        if (!valgrind) {
            return Expected<std::vector<FoundChecker>>::fail(valgrind.error());
        }
        if (*valgrind) {
            found.push_back({Checker::valgrind, **valgrind});
        } else if (with == CheckerChoice::valgrind) {
            throw Error("check: valgrind not found on PATH (install it, or give --valgrind PATH)");
        }
    }
    if (with != CheckerChoice::valgrind) {
        if (auto library = find_lsan_library()) {
            if (const Status lsan = lsan_takes(options, found.empty()); !lsan) {
                return Expected<std::vector<FoundChecker>>::fail(lsan.error());
            }
            if (!options.mmap_threshold_bytes) {
                found.push_back({Checker::lsan, *library});
            }
        } else if (with == CheckerChoice::lsan) {
            throw Error("check: liblsan.so.0 not found by the dynamic linker (install liblsan0)");
        }
    }
    if (found.empty()) {
        throw Error("check: no leak checker found: install valgrind or liblsan0 (scripts/setup.sh test)");
    }
    return Expected<std::vector<FoundChecker>>::ok(std::move(found));
}

// A private directory for the checkers' reports, removed with everything in it on every way out.
class ReportDirectory {
  public:
    ReportDirectory() {
        const char* tmpdir = std::getenv("TMPDIR");
        std::string pattern =
            fmt::format("{}/leakdemo-check-XXXXXX", tmpdir != nullptr && *tmpdir ? tmpdir : "/tmp");
        if (::mkdtemp(pattern.data()) == nullptr) {
            throw Error(fmt::format("check: cannot create a directory for the reports in {}", pattern));
        }
        m_path = pattern;
    }
    ~ReportDirectory() {
        std::error_code ignored;
        fs::remove_all(m_path, ignored);
    }
    ReportDirectory(const ReportDirectory&) = delete;
    ReportDirectory& operator=(const ReportDirectory&) = delete;
    const std::string& path() const { return m_path; }

  private:
    std::string m_path;
};

// Everything the checker wrote into files starting with `prefix` in `directory` (LSan adds ".PID").
std::string read_reports(const std::string& directory, std::string_view prefix) {
    std::string text;
    for (const auto& entry : fs::directory_iterator(directory)) {
        if (entry.path().filename().string().starts_with(prefix)) {
            std::ifstream file(entry.path());
            std::ostringstream content;
            content << file.rdbuf();
            text += content.str();
        }
    }
    return text;
}

std::string own_executable() {
    std::error_code error;
    const fs::path path = fs::read_symlink("/proc/self/exe", error);
    if (error) {
        throw Error(fmt::format("check: cannot read /proc/self/exe: {}", error.message()));
    }
    return path.string();
}

// The argv and environment of the checked run: valgrind with its report as XML in a file (exact figures;
// its own text output stays on the child's stderr), or leakdemo with LSan preloaded, its report in a file
// and its exit code left at ours (exitcode=0).
std::pair<std::vector<std::string>, ExecTarget> command_for(const FoundChecker& found, const Options& options,
                                                            const std::string& directory) {
    std::vector<std::string> args = workload_arguments(options, options.mode);
    args.insert(args.end(), {"--summary-only", "--format", "jsonl"});
    args[0] = own_executable();
    if (found.checker == Checker::valgrind) {
        args.insert(args.begin(),
                    {found.tool, "--tool=memcheck", "--leak-check=full", "--show-leak-kinds=all", "--xml=yes",
                     fmt::format("--xml-file={}/valgrind.xml", directory)});
        return {args, ExecTarget{found.tool, {}}};
    }
    const std::string lsan_options = fmt::format("exitcode=0:log_path={}/lsan:symbolize=0", directory);
    return {args, ExecTarget{args[0], {"LD_PRELOAD=" + found.tool, "LSAN_OPTIONS=" + lsan_options}}};
}

// "check: running leakdemo -n 1000 under valgrind, 12s (--timeout 5m)" on stderr while a checker runs, so
// a long run is not silent: only where a status line belongs (stderr a terminal, not TERM=dumb, no -q;
// --progress always/never as for a run), redrawn once a second in one write, erased on every way out.
class CheckerStatus {
  public:
    CheckerStatus(const Options& options, std::string_view name)
        : m_shown(progress_wanted(options.progress, current_progress_streams(false, options.quiet))),
          m_what(fmt::format("check: running leakdemo -n {} under {}", options.iterations.value_or(0), name)),
          m_timeout(format_duration(options.check.timeout)) {}
    ~CheckerStatus() {
        if (m_drawn) {
            set_stderr_status(nullptr);
            write_all("\r\x1b[K");
        }
    }
    CheckerStatus(const CheckerStatus&) = delete;
    CheckerStatus& operator=(const CheckerStatus&) = delete;

    void draw(std::chrono::nanoseconds elapsed) {
        if (!m_shown) {
            return;
        }
        const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(elapsed).count();
        m_line = fmt::format("{}, {}s (--timeout {})", m_what, seconds, m_timeout);
        const int width = detect_terminal(STDERR_FILENO, ColorMode::never).width;
        if (m_line.size() >= static_cast<std::size_t>(width)) {
            m_line.resize(static_cast<std::size_t>(width - 1));
        }
        write_all("\r\x1b[K" + m_line);
        m_drawn = true;
        m_view = m_line;
        set_stderr_status(&m_view);
    }

  private:
    static void write_all(std::string_view text) {
        while (!text.empty()) {
            const ssize_t written = ::write(STDERR_FILENO, text.data(), text.size());
            if (written <= 0) {
                return;  // a failure to draw the status line is not reported
            }
            text.remove_prefix(static_cast<std::size_t>(written));
        }
    }

    bool m_shown;
    bool m_drawn = false;
    std::string m_what;
    std::string m_timeout;
    std::string m_line;
    std::string_view m_view;
};

// One checker: run, then its report read back and judged. A run that did not end as a run ends (exit 0,
// or 3 when its guard stopped it) is a failure of the check, not a disagreement.
CheckRecord check_with(const FoundChecker& found, const Options& options, Summary& summary, int& stop) {
    const ReportDirectory directory;
    // Not a structured binding: clang 14 (the fuzz build) cannot capture one in the lambda below.
    const auto command = command_for(found, options, directory.path());
    const std::string name(to_string(found.checker));
    CheckerRun run = [&] {
        CheckerStatus status(options, found.checker == Checker::valgrind ? "valgrind" : "LeakSanitizer");
        return run_checker(command.first, command.second, options.check.timeout,
                           [&status](std::chrono::nanoseconds elapsed) { status.draw(elapsed); });
    }();
    if (run.stop_signal != 0) {
        stop = run.stop_signal;
        return {};
    }
    if (run.timed_out) {
        throw Error(
            fmt::format("check: the {} run did not end within {} (--timeout): give a longer "
                        "--timeout, or a smaller -n or -b",
                        name, format_duration(options.check.timeout)));
    }
    if (!exited_with(run.child, 0) && !exited_with(run.child, to_int(ExitCode::stopped_early))) {
        throw Error(fmt::format("check: the {} run {}", name, describe_end(run.child)));
    }
    if (run.child.err_text.find("cannot be preloaded") != std::string::npos) {
        throw Error(fmt::format("check: {} could not be preloaded", found.tool));
    }
    if (!run.summary) {
        throw Error(fmt::format("check: the {} run wrote no summary{}", name,
                                run.bad_line.empty() ? "" : fmt::format(" (it wrote: {})", run.bad_line)));
    }
    summary = *run.summary;
    if (found.checker == Checker::valgrind) {
        const auto report = parse_valgrind_xml(read_reports(directory.path(), "valgrind.xml"));
        if (!report) {
            throw Error(fmt::format("check: {}: {}", found.tool, report.error()));
        }
        return judge(found.checker, summary, figures_of(*report));
    }
    const auto report = parse_lsan_report(read_reports(directory.path(), "lsan"));
    if (!report) {
        throw Error(fmt::format("check: LeakSanitizer: {}", report.error()));
    }
    const CategoryFigures said{LeakFigure{report->direct_bytes, report->direct_blocks},
                               LeakFigure{report->indirect_bytes, report->indirect_blocks}, std::nullopt,
                               std::nullopt};
    return judge(found.checker, summary, said);
}

TerminalCaps stdout_caps(const Options& options) {
    TerminalCaps caps = detect_terminal(STDOUT_FILENO, options.color);
    caps.unicode = caps.unicode && !options.ascii;
    return caps;
}

}  // namespace

Expected<ExitCode> run_check(const Options& options) {
#if defined(__SANITIZE_ADDRESS__)
    throw Error(
        "check: this leakdemo is built with AddressSanitizer: valgrind and a preloaded LSan need a "
        "build without it");
#endif
    const auto checkers = find_checkers(options);
    if (!checkers) {
        return Expected<ExitCode>::fail(checkers.error());
    }
    std::vector<CheckRecord> records;
    Summary summary;
    for (const FoundChecker& found : *checkers) {
        int stop = 0;
        records.push_back(check_with(found, options, summary, stop));
        if (stop != 0) {
            return Expected<ExitCode>::ok(exit_code_for_stop_signal(stop));
        }
    }
    LineWriter out(STDOUT_FILENO);
    fmt::memory_buffer line;
    const TerminalCaps caps = stdout_caps(options);
    const Format format = resolve_stdout_format(options.format, caps.is_tty);
    try {
        if (format == Format::jsonl || format == Format::csv) {
            if (format == Format::csv) {
                out.write_line(csv_check_header());
            }
            for (const CheckRecord& record : records) {
                line.clear();
                format == Format::csv ? append_csv_row(line, record) : append_jsonl(line, record);
                out.write_line(line);
            }
        } else {
            out.write_line(render_check_table(records, summary, caps));
        }
    } catch (const OutputClosed&) {
        // `check | head`: the reader has what it wanted; the verdict still decides the exit code.
    }
    const bool agreed = std::all_of(records.begin(), records.end(), [](const CheckRecord& record) {
        return record.verdict == CheckVerdict::agrees;
    });
    return Expected<ExitCode>::ok(agreed ? ExitCode::success : ExitCode::checker_disagrees);
}

}  // namespace leakdemo
