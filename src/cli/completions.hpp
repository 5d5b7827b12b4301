#pragma once

#include <string>

#include "cli/command_spec.hpp"
#include "util/enum_names.hpp"

namespace leakdemo {

// `leakdemo --completions SHELL`: the shells a completion script is generated for.
enum class Shell { bash, zsh, fish };
template <>
inline constexpr auto enum_names<Shell> = std::to_array<std::pair<Shell, std::string_view>>(
    {{Shell::bash, "bash"}, {Shell::zsh, "zsh"}, {Shell::fish, "fish"}});

// The completion script for `shell`, generated from the command line as declared (command_spec.hpp):
// subcommands, every short and long option, an enum option's names, file names for FILE values, and a
// command after `watch --`. Plain text, the same for the same declaration (the .deb is reproducible).
std::string completion_script(Shell shell, const CommandSpec& command);

}  // namespace leakdemo
