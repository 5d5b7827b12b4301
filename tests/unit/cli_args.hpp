#pragma once

// Runs the real command-line parser on an argument list, as main() would see it (argv[0] = "leakdemo").
#include <string>
#include <vector>

#include "cli/cli.hpp"

namespace leakdemo::testing {

inline CliResult parse_args(const std::vector<std::string>& args) {
    std::vector<const char*> argv{"leakdemo"};
    for (const std::string& arg : args) {
        argv.push_back(arg.c_str());
    }
    return parse_command_line(static_cast<int>(argv.size()), argv.data());
}

}  // namespace leakdemo::testing
