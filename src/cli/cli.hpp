#pragma once

#include <array>
#include <string>
#include <string_view>
#include <variant>

#include "cli/options.hpp"
#include "util/units.hpp"

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

// The only place that knows CLI11. Never prints, never exits.
CliResult parse_command_line(int argc, const char* const* argv);

// "--modes A,B": exactly two distinct modes out of leak, free, hold.
Expected<std::array<Mode, 2>> parse_compare_modes(std::string_view text);

}  // namespace leakdemo
