#pragma once

// What the three completion writers share (completions.cpp: bash; completion_shells.cpp: zsh, fish).
#include <fmt/format.h>

#include <string>
#include <string_view>
#include <vector>

#include "cli/command_spec.hpp"

namespace leakdemo::completion {

inline std::vector<std::string> names_of(const OptionSpec& option) {
    std::vector<std::string> names = option.short_names;
    names.insert(names.end(), option.long_names.begin(), option.long_names.end());
    return names;
}

inline std::string joined(const std::vector<std::string>& words, std::string_view separator = " ") {
    return fmt::format("{}", fmt::join(words, separator));
}

inline std::vector<std::string> subcommand_names(const CommandSpec& top) {
    std::vector<std::string> names;
    for (const CommandSpec& subcommand : top.subcommands) {
        names.push_back(subcommand.name);
    }
    return names;
}

// `text` between single quotes for sh, bash and zsh (a ' becomes '\''), or for fish (\' and \\).
inline std::string single_quoted(std::string_view text, bool fish = false) {
    std::string quoted = "'";
    for (const char c : text) {
        if (c == '\'') {
            quoted += fish ? "\\'" : "'\\''";
        } else if (c == '\\' && fish) {
            quoted += "\\\\";
        } else {
            quoted += c;
        }
    }
    return quoted + "'";
}

std::string zsh_script(const CommandSpec& top);
std::string fish_script(const CommandSpec& top);

}  // namespace leakdemo::completion
