#include "live/frame_rows.hpp"

#include <algorithm>
#include <iterator>

#include "output/style.hpp"

namespace leakdemo::frame_detail {
namespace {

constexpr char escape = '\x1b';

bool starts_point(char byte) {
    return (static_cast<unsigned char>(byte) & 0xC0) != 0x80;
}

// The end of the escape sequence that starts at `at` (ESC '[' parameters, one final byte 0x40-0x7E).
std::size_t escape_end(std::string_view text, std::size_t at) {
    std::size_t end = at + 1;
    if (end < text.size() && text[end] == '[') {
        ++end;
        while (end < text.size() && (text[end] < 0x40 || text[end] > 0x7E)) {
            ++end;
        }
    }
    return std::min(end + 1, text.size());
}

}  // namespace

std::size_t screen_width(std::string_view text) {
    std::size_t width = 0;
    for (std::size_t at = 0; at < text.size();) {
        if (text[at] == escape) {
            at = escape_end(text, at);
            continue;
        }
        if (starts_point(text[at])) {
            ++width;
        }
        ++at;
    }
    return width;
}

// Appends at most `width` columns of `text`: the whole text, or all but one and an ellipsis. Escapes are
// copied whole (they take no column); a text cut inside a style gets the style's end before the ellipsis.
void Rows::put(std::string_view text) {
    if (m_row > m_height) {
        return;
    }
    fmt::format_to(std::back_inserter(m_out), "\x1b[{};1H", m_row++);
    const auto width = static_cast<std::size_t>(std::max(m_width, 1));
    if (screen_width(text) <= width) {
        m_out.append(text);
    } else {
        std::size_t points = 0;
        std::size_t end = 0;
        bool styled = false;
        while (end < text.size()) {
            if (text[end] == escape) {
                styled = true;
                end = escape_end(text, end);
                continue;
            }
            if (starts_point(text[end]) && ++points == width) {
                break;  // `end` starts the last column: the ellipsis goes there
            }
            ++end;
        }
        m_out.append(text.substr(0, end));
        if (styled) {
            m_out.append(style_reset);
        }
        m_out.append(glyph(m_unicode, "…", "~"));
    }
    m_out.append("\x1b[K");
}

fmt::text_style style_of(Paint paint, bool color) {
    switch (paint) {
        case Paint::rss:
            return rss_style(color);
        case Paint::maxrss:
            return maxrss_style(color);
        case Paint::leaked:
            return mode_style(Mode::leak, color);
        case Paint::held:
            return mode_style(Mode::hold, color);
        case Paint::mark:
        case Paint::key:
            return key_style(color);
        case Paint::alarm:
            return alarm_style(color);
        case Paint::heading:
            return heading_style(color);
        case Paint::growth:
            return growth_style(color);
        case Paint::release:
            return release_style(color);
        case Paint::plain:
            break;
    }
    return {};
}

void append_in(Line& line, std::string_view text, Paint paint, bool color) {
    if (!color || paint == Paint::plain || text.empty()) {
        line.append(text);
        return;
    }
    fmt::format_to(std::back_inserter(line), "{}", fmt::styled(text, style_of(paint, color)));
}

void CellRun::put(std::string_view cell, Paint paint) {
    if (cell == " ") {
        paint = Paint::plain;  // a blank is never inside a colour
    }
    if (paint != m_paint) {
        finish();
        m_paint = paint;
    }
    m_run.append(cell);
}

void CellRun::finish() {
    append_in(m_line, std::string_view(m_run.data(), m_run.size()), m_paint, m_color);
    m_run.clear();
}

}  // namespace leakdemo::frame_detail
