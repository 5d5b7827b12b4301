#include "app/plan_outputs.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <utility>

namespace leakdemo {
namespace {

// -o FILE and --report FILE: checked and their temporary files created now, renamed at the end.
Status plan_files(const Options& options, OutputPlan& plan) {
    if (!options.output_path.empty() && options.output_path != "-") {
        auto file = SafeFile::create(options.output_path);
        if (!file) {
            return Status::fail(fmt::format("--output: {}", file.error()));
        }
        plan.output_file = std::move(file).value();
        plan.file = std::make_unique<LineWriter>(plan.output_file->fd());
    }
    if (!options.report_path.empty()) {
        auto report = SafeFile::create(options.report_path);
        if (!report) {
            return Status::fail(fmt::format("--report: {}", report.error()));
        }
        plan.report_file = std::move(report).value();
    }
    if (plan.output_file && plan.report_file && plan.output_file->same_target(*plan.report_file)) {
        return Status::fail(fmt::format("--report: {} is also the --output file; give each its own file",
                                        options.report_path));
    }
    return success();
}

}  // namespace

Expected<OutputPlan> plan_outputs(const Options& options) {
    OutputPlan plan;
    if (const Status files = plan_files(options, plan); !files) {
        return Expected<OutputPlan>::fail(files.error());  // the temporary files made so far are removed
    }

    plan.stdout_caps = detect_terminal(STDOUT_FILENO, options.color);
    plan.stderr_caps = detect_terminal(STDERR_FILENO, options.color);
    if (options.ascii) {
        plan.stdout_caps.unicode = false;
        plan.stderr_caps.unicode = false;
    }

    Format format = options.format;
    if (plan.file) {
        format = Format::table;
    } else if (options.output_path == "-") {
        format = options.output_format;
    }
    plan.stdout_format = resolve_stdout_format(format, plan.stdout_caps.is_tty);
    return Expected<OutputPlan>::ok(std::move(plan));
}

}  // namespace leakdemo
