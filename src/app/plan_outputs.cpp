#include "app/plan_outputs.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <utility>

namespace leakdemo {

Expected<OutputPlan> plan_outputs(const Options& options) {
    OutputPlan plan;
    if (!options.output_path.empty() && options.output_path != "-") {
        auto file = open_line_writer(options.output_path);
        if (!file) {
            return Expected<OutputPlan>::fail(fmt::format("--output: {}", file.error()));
        }
        plan.file = std::move(file).value();
    }
    if (!options.report_path.empty()) {
        // Only created here; written at the end, whole, by rename.
        if (const auto report = open_line_writer(options.report_path); !report) {
            return Expected<OutputPlan>::fail(fmt::format("--report: {}", report.error()));
        }
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
    if (format == Format::automatic) {
        format = plan.stdout_caps.is_tty ? Format::table : Format::csv;
    }
    plan.stdout_format = format;
    return Expected<OutputPlan>::ok(std::move(plan));
}

}  // namespace leakdemo
