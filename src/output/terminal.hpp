#pragma once

#include "util/enum_names.hpp"

namespace leakdemo {

enum class ColorMode { automatic, always, never };
template <>
inline constexpr auto enum_names<ColorMode> = std::to_array<std::pair<ColorMode, std::string_view>>(
    {{ColorMode::automatic, "auto"}, {ColorMode::always, "always"}, {ColorMode::never, "never"}});

// What the terminal on a descriptor can show. Colour only on a terminal, never with NO_COLOR or
// TERM=dumb unless --color always; Unicode only in a UTF-8 locale.
struct TerminalCaps {
    bool is_tty = false;
    bool color = false;
    bool unicode = false;
    int width = 80;
};

TerminalCaps detect_terminal(int fd, ColorMode color_mode);

}  // namespace leakdemo
