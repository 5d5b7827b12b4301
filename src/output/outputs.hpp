#pragma once

#include <memory>
#include <optional>
#include <string>

#include "output/formats.hpp"
#include "output/output.hpp"
#include "output/safe_file.hpp"
#include "output/terminal.hpp"

namespace leakdemo {

// What a single run and `compare` both settle before anything is allocated: the -o file, the --report
// file, stdout's format and what the two terminals can show. Both files are written into their temporary
// files and renamed into place at the end (SafeFile::commit); dropped uncommitted, they leave FILE as it was.
struct OutputPlan {
    std::unique_ptr<SafeFile> output_file;  // -o FILE; null without -o and for "-o -"
    std::unique_ptr<SafeFile> report_file;  // --report FILE; written whole at the end
    std::unique_ptr<LineWriter> file;       // writes output_file's lines; null with it
    Format stdout_format = Format::table;   // never automatic: resolved against the terminal
    TerminalCaps stdout_caps;
    TerminalCaps stderr_caps;
};

}  // namespace leakdemo
