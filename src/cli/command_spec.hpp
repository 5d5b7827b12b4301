#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace leakdemo {

// The command line as data, read from the one CLI11 declaration (cli.cpp walks it): what the shell
// completion scripts are generated from, so they cannot drift from what leakdemo accepts.
struct OptionSpec {
    std::vector<std::string> short_names;  // "-m"
    std::vector<std::string> long_names;   // "--mode"
    bool takes_value = false;
    std::string value_name;   // its --help type: SIZE, DURATION, FILE, MODE
    bool file_value = false;  // a file name (its --help type is FILE..., or WHERE|FILE: a choice or a file)
    std::vector<std::string> choices;  // an enum's names, from its name table (util/enum_names.hpp)
    std::string description;           // short: the first clause of the --help text
    // A comma-separated list of `choices`, each named once, at most this many (--modes A,B: 2), read from
    // the commas of the value's --help type; 0 for a single value.
    std::size_t list_items = 0;
};

struct CommandSpec {
    std::string name;  // "leakdemo", or the subcommand's name
    std::string description;
    // Every option this command takes: its own, and for a subcommand that falls through (compare, watch)
    // the top level's that it does not refuse (cli/check.hpp).
    std::vector<OptionSpec> options;
    bool takes_command = false;  // a COMMAND [ARGS...] after -- (watch)
    std::vector<CommandSpec> subcommands;
};

}  // namespace leakdemo
