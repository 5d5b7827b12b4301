#pragma once

#include <memory>
#include <optional>
#include <string>

#include "output/formats.hpp"
#include "output/output.hpp"
#include "output/terminal.hpp"

namespace leakdemo {

// What a single run and `compare` both settle before anything is allocated: the -o file, the --report
// path, stdout's format and what the two terminals can show.
struct OutputPlan {
    std::unique_ptr<LineWriter> file;      // -o FILE; null without -o and for "-o -"
    Format stdout_format = Format::table;  // never automatic: resolved against the terminal
    TerminalCaps stdout_caps;
    TerminalCaps stderr_caps;
};

}  // namespace leakdemo
