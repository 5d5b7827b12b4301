#include "cli/warnings.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <optional>
#include <utility>

#include "measure/summary.hpp"
#include "util/units.hpp"

namespace leakdemo {
namespace {

// The modes the run may execute: one, compare's two, or in live any (its keys reach every mode, and each
// mode's workload is made from the same options: `s` then arena takes --threads).
bool runs_mode(const Options& options, Mode mode) {
    if (options.command == Command::live) {
        return true;
    }
    if (options.command == Command::compare) {
        return std::find(options.compare_modes.begin(), options.compare_modes.end(), mode) !=
               options.compare_modes.end();
    }
    return options.mode == mode;
}

std::string modes_run(const Options& options) {
    if (options.command == Command::compare) {
        return fmt::format("{} and {} mode", to_string(options.compare_modes[0]),
                           to_string(options.compare_modes[1]));
    }
    return fmt::format("{} mode", to_string(options.mode));
}

// Where bars would be drawn: only in the table on stdout.
std::optional<std::string> bars_unused(const Options& options, Format stdout_format) {
    if (options.bars != BarsMode::always) {
        return std::nullopt;  // auto and never promise nothing
    }
    if (options.summary_only) {
        return "--bars: has no effect with --summary-only (bars are drawn only in the table)";
    }
    if (stdout_format == Format::csv || stdout_format == Format::jsonl) {
        return fmt::format("--bars: has no effect with {} on stdout (bars are drawn only in the table)",
                           to_string(stdout_format));
    }
    return std::nullopt;
}

}  // namespace

std::vector<std::string> ineffective_options(const Options& options, Format stdout_format) {
    std::vector<std::string> warnings;
    if (options.trim && !runs_mode(options, Mode::free) && !runs_mode(options, Mode::fragment)) {
        warnings.push_back(fmt::format(
            "--trim: has no effect in {} (malloc_trim runs after the frees of free and fragment mode)",
            modes_run(options)));
    }
    if (options.threads_given && !runs_mode(options, Mode::arena)) {
        warnings.push_back(fmt::format(
            "--threads: has no effect in {} (only arena mode starts worker threads)", modes_run(options)));
    }
    if (options.fill_given && options.touch == Touch::none) {
        warnings.push_back("--fill: has no effect with --touch none (no byte is written)");
    }
    if (auto bars = bars_unused(options, stdout_format)) {
        warnings.push_back(std::move(*bars));
    }
    if (options.huge_pages) {
        const std::uint64_t rounded = huge_block_bytes(options.block_bytes);
        if (rounded != options.block_bytes) {
            warnings.push_back(fmt::format(
                "--huge-pages: each {}-byte block is rounded up to {} ({} bytes), whole 2 MiB pages; the "
                "run allocates and counts the rounded size",
                options.block_bytes, format_bytes(rounded), rounded));
        }
    }
    if (options.fail_on_leak && options.iterations && *options.iterations < min_iterations_for_verdict) {
        warnings.push_back(fmt::format(
            "--fail-on-leak: cannot fire with -n {}: the verdict `leaking` needs at least {} iterations",
            *options.iterations, min_iterations_for_verdict));
    }
    return warnings;
}

std::string warning_lines(const Options& options, Format stdout_format) {
    if (options.quiet) {
        return {};
    }
    std::string lines;
    for (const std::string& warning : ineffective_options(options, stdout_format)) {
        lines += fmt::format("leakdemo: warning: {}\n", warning);
    }
    return lines;
}

}  // namespace leakdemo
