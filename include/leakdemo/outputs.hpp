#pragma once

#include <memory>
#include <optional>
#include <string>

#include "leakdemo/formats.hpp"
#include "leakdemo/options.hpp"
#include "leakdemo/output.hpp"
#include "leakdemo/terminal.hpp"

namespace leakdemo {

// What a single run and `compare` both settle before anything is allocated: the -o file, the --report
// path, stdout's format and what the two terminals can show.
struct OutputPlan {
    std::unique_ptr<LineWriter> file;  // -o FILE; null without -o and for "-o -"
    Format stdout_format = Format::table;  // never automatic: resolved against the terminal
    TerminalCaps stdout_caps;
    TerminalCaps stderr_caps;
};

// Opens -o FILE and creates the --report file (empty until the end), so a bad path is a usage error before
// any allocation: returns nullopt, or one line ("--output: cannot open ...") for exit 2.
// stdout: with -o FILE the terminal keeps the table; with -o - stdout is the file; otherwise --format,
// where auto means the table on a terminal and CSV otherwise. --ascii turns Unicode off on both terminals.
std::optional<std::string> plan_outputs(const Options& options, OutputPlan& plan);

}  // namespace leakdemo
