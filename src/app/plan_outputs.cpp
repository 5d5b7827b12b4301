#include "app/plan_outputs.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include "util/error.hpp"

namespace leakdemo {

std::optional<std::string> plan_outputs(const Options& options, OutputPlan& plan) {
    if (!options.output_path.empty() && options.output_path != "-") {
        try {
            plan.file = LineWriter::open_file(options.output_path);
        } catch (const Error& error) {
            return fmt::format("--output: {}", error.what());
        }
    }
    if (!options.report_path.empty()) {
        try {
            LineWriter::open_file(options.report_path);  // written at the end, whole, by rename
        } catch (const Error& error) {
            return fmt::format("--report: {}", error.what());
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
    return std::nullopt;
}

}  // namespace leakdemo
