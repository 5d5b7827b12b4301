#pragma once

// The frame's building blocks, shared by frame.cpp and chart_view.cpp (not for other folders).

#include <fmt/format.h>

#include <string>
#include <string_view>

namespace leakdemo::frame_detail {

// One row's text before it is fitted: on the stack up to a few thousand bytes, so a frame of any usual
// width allocates nothing.
using Line = fmt::basic_memory_buffer<char, 4096>;

// Writes the frame row by row into the caller's buffer: "ESC[row;1H", the text fitted to the width
// (cut with an ellipsis), "ESC[K".
class Rows {
  public:
    Rows(std::string& out, int width, bool unicode) : m_out(out), m_width(width), m_unicode(unicode) {}
    void put(std::string_view text);
    void put(const Line& line) { put(std::string_view(line.data(), line.size())); }
    int width() const { return m_width; }
    int next_row() const { return m_row; }
    bool unicode() const { return m_unicode; }

  private:
    std::string& m_out;
    int m_width;
    bool m_unicode;
    int m_row = 1;
};

// The glyph for Unicode or for ASCII.
inline std::string_view glyph(bool unicode, std::string_view utf8, std::string_view ascii) {
    return unicode ? utf8 : ascii;
}

}  // namespace leakdemo::frame_detail
