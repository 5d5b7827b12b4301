#pragma once

// The few styles of the human views, on fmt/color.h: no escape code is spelled anywhere else. Each style is
// empty when colour is off, and fmt::styled writes nothing around a value with an empty style, so the
// views never branch on colour themselves.
#include <fmt/color.h>
#include <fmt/format.h>

#include <iterator>
#include <string_view>

#include "measure/workload.hpp"

namespace leakdemo {

inline fmt::text_style style_if(bool color, fmt::text_style style) {
    return color ? style : fmt::text_style{};
}

// Column titles.
inline fmt::text_style heading_style(bool color) {
    return style_if(color, fmt::emphasis::bold);
}
// Memory kept or RSS going up; the `leaking` verdict.
inline fmt::text_style growth_style(bool color) {
    return style_if(color, fmt::fg(fmt::terminal_color::red));
}
// RSS going down; the `stable` verdict.
inline fmt::text_style release_style(bool color) {
    return style_if(color, fmt::fg(fmt::terminal_color::green));
}
// compare's bar of each mode: memory lost for good is red (leak and the lost scenarios), memory that grows
// but stays reachable is yellow (hold, cache), memory given back is green (free, fragment, arena).
inline fmt::text_style mode_style(Mode mode, bool color) {
    switch (mode) {
        case Mode::leak:
        case Mode::indirect:
        case Mode::interior:
        case Mode::cycle:
        case Mode::exception:
        case Mode::mmap:
            return growth_style(color);
        case Mode::hold:
        case Mode::cache:
            return style_if(color, fmt::fg(fmt::terminal_color::yellow));
        case Mode::free:
        case Mode::fragment:
        case Mode::arena:
            break;
    }
    return release_style(color);
}

// The memory series wherever they are drawn in colour (live's chart, legend and figures): RSS in cyan (the
// report's blue, readable on a dark projector), max RSS in magenta; leaked and held bytes take their mode's
// colour (mode_style: leak red, hold yellow).
inline fmt::text_style rss_style(bool color) {
    return style_if(color, fmt::fg(fmt::terminal_color::cyan));
}
inline fmt::text_style maxrss_style(bool color) {
    return style_if(color, fmt::fg(fmt::terminal_color::magenta));
}
// A key to press, and a key pressed (live's key line and its marks on the chart).
inline fmt::text_style key_style(bool color) {
    return style_if(color, fmt::emphasis::bold);
}
// Something about to go wrong: the guard's limit reached soon.
inline fmt::text_style alarm_style(bool color) {
    return style_if(color, fmt::fg(fmt::terminal_color::red) | fmt::emphasis::bold);
}
// What ends any style above: for a styled text cut short (fmt::styled writes it after a whole one).
inline constexpr std::string_view style_reset = "\x1b[0m";

// `text` in `style`, appended to `line` (a whole header: one style over several cells).
inline void append_styled(fmt::memory_buffer& line, std::string_view text, fmt::text_style style) {
    fmt::format_to(std::back_inserter(line), "{}", fmt::styled(text, style));
}

}  // namespace leakdemo
