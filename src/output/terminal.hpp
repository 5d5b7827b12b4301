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
    int width = 80;  // at least min_terminal_width
    int fd = -1;     // the terminal measured (is_tty), whose width refresh_width re-reads after a resize
};

// Below this the views stop narrowing (each says what it keeps); a narrower terminal wraps their lines.
inline constexpr int min_terminal_width = 20;

TerminalCaps detect_terminal(int fd, ColorMode color_mode);

// SIGWINCH: the handler only counts resizes (one async-signal-safe store); nothing else happens in it.
// Installed once before any view exists; SA_RESTART, so a write(2) it lands in is resumed, not failed.
void install_resize_handler();

// A view's check before each line, on its own `seen` count (start at 0): false, and nothing done, unless
// the terminal was resized since the last call; then caps.width is read again with TIOCGWINSZ (a resize
// outranks COLUMNS, which cannot follow it) and true is returned. No allocation: safe per row.
bool refresh_width(TerminalCaps& caps, int& seen);

}  // namespace leakdemo
