#pragma once

#include <string>
#include <variant>

#include "cli/convert.hpp"
#include "cli/options.hpp"

namespace leakdemo {

// The command line asked for text and an exit (--help, --version).
struct InfoRequest {
    std::string text;
};

// The command line is wrong: one line naming the flag and the problem (exit 2).
struct UsageError {
    std::string message;
};

using CliResult = std::variant<Options, InfoRequest, UsageError>;

// The only place that knows CLI11: declare and parse (cli.cpp), convert (convert.hpp), check combinations
// (check.hpp). Never prints, never exits.
CliResult parse_command_line(int argc, const char* const* argv);

}  // namespace leakdemo
