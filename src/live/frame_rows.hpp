#pragma once

// The frame's building blocks, shared by frame.cpp and chart_view.cpp (not for other folders).

#include <fmt/color.h>
#include <fmt/format.h>

#include <string>
#include <string_view>

namespace leakdemo::frame_detail {

// One row's text before it is fitted: on the stack up to a few thousand bytes, so a frame of any usual
// width allocates nothing, colour escapes included.
using Line = fmt::basic_memory_buffer<char, 8192>;

// Columns `text` takes on the screen: its code points, colour escapes (ESC [ ... m) not counted.
std::size_t screen_width(std::string_view text);

// Writes the frame row by row into the caller's buffer: "ESC[row;1H", the text fitted to the width
// (cut with an ellipsis; a style cut open is closed), "ESC[K". Rows past the height are left out: a
// frame never writes past the last column or row.
class Rows {
  public:
    Rows(std::string& out, int width, int height, bool unicode, bool color)
        : m_out(out), m_width(width), m_height(height), m_unicode(unicode), m_color(color) {}
    void put(std::string_view text);
    void put(const Line& line) { put(std::string_view(line.data(), line.size())); }
    int width() const { return m_width; }
    int height() const { return m_height; }
    int next_row() const { return m_row; }
    bool unicode() const { return m_unicode; }
    bool color() const { return m_color; }

  private:
    std::string& m_out;
    int m_width;
    int m_height;
    bool m_unicode;
    bool m_color;
    int m_row = 1;
};

// The glyph for Unicode or for ASCII.
inline std::string_view glyph(bool unicode, std::string_view utf8, std::string_view ascii) {
    return unicode ? utf8 : ascii;
}

// What a piece of the frame shows, and so its colour (output/style.hpp's palette).
enum class Paint : unsigned char {
    plain,
    rss,
    maxrss,
    leaked,
    held,
    mark,
    key,
    alarm,
    heading,
    growth,
    release
};
fmt::text_style style_of(Paint paint, bool color);

// `text` in `paint` appended to `line`; nothing around it when colour is off or the paint is plain.
void append_in(Line& line, std::string_view text, Paint paint, bool color);

// A row of cells in a few paints: each run of cells in one paint becomes one styled piece, so a row of
// 100 bars carries one colour escape, not 100. Blanks are plain. Call finish() before the line is put.
class CellRun {
  public:
    CellRun(Line& line, bool color) : m_line(line), m_color(color) {}
    void put(std::string_view cell, Paint paint);
    void finish();

  private:
    Line& m_line;
    bool m_color;
    Paint m_paint = Paint::plain;
    fmt::basic_memory_buffer<char, 4096> m_run;
};

}  // namespace leakdemo::frame_detail
