#include "output/bars.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <iterator>

#include "util/units.hpp"

namespace leakdemo {
namespace {

constexpr std::string_view full_block = "█";
// U+2589..U+258F: seven eighths down to one eighth of a cell.
constexpr std::string_view eighths[] = {"", "▏", "▎", "▍", "▌", "▋", "▊", "▉"};
constexpr int min_bar_cells = 10;

// Column layouts: the full one when the bar still gets min_bar_cells, else a narrow one.
constexpr int wide_prefix = 6 + 1 + 9 + 1 + 11 + 1 + 11 + 1 + 11 + 1;  // iter elapsed leaked rss max-rss
constexpr int narrow_prefix = 6 + 1 + 11 + 1 + 11 + 1;                 // iter rss max-rss

// Greedy word wrap to `width` columns, every line after the first indented like the first.
std::vector<std::string> wrap(std::string_view text, std::size_t width, std::string_view first_prefix,
                              std::string_view next_prefix) {
    std::vector<std::string> lines;
    std::string line(first_prefix);
    std::size_t line_width = display_width(first_prefix);
    bool line_has_word = false;
    while (!text.empty()) {
        const std::size_t end = std::min(text.find(' '), text.size());
        const std::string_view word = text.substr(0, end);
        text.remove_prefix(std::min(end + 1, text.size()));
        const std::size_t word_width = display_width(word);
        if (line_has_word && line_width + 1 + word_width > width) {
            lines.push_back(line);
            line.assign(next_prefix);
            line_width = display_width(next_prefix);
            line_has_word = false;
        }
        if (line_has_word) {
            line.push_back(' ');
            ++line_width;
        }
        line.append(word);
        line_width += word_width;
        line_has_word = true;
    }
    lines.push_back(line);
    return lines;
}

class BarTableSink final : public Sink {
  public:
    BarTableSink(LineWriter& out, const TerminalCaps& caps, Mode mode, std::uint64_t expected_peak_bytes)
        : m_out(out), m_caps(caps), m_mode(mode), m_scale(bar_scale_for(expected_peak_bytes)) {
        // One column is left free: a terminal that wraps at the last column would break every row.
        const int usable = std::max(caps.width - 1, 1);
        if (usable - wide_prefix >= min_bar_cells) {
            m_bar_cells = usable - wide_prefix;
        } else {
            m_narrow = true;
            m_bar_cells = std::max(usable - narrow_prefix, 0);
        }
    }

    void record(const Record& record) override {
        m_line.clear();
        const std::uint64_t top = std::max(record.sample.rss_bytes, record.sample.maxrss_bytes);
        // Rescale before the bar fills its last cell, so the max-RSS marker always has a place.
        const auto cells = static_cast<std::uint64_t>(std::max(m_bar_cells, 2));
        const auto too_full = [&] { return top > m_scale / cells * (cells - 1); };
        const bool rescaled = too_full();
        while (too_full()) {
            m_scale *= 2;
        }
        if (!m_header_written || rescaled) {
            append_header(!m_header_written);
            m_header_written = true;
        }
        const std::uint64_t kept =
            m_mode == Mode::hold ? record.counters.outstanding_bytes : record.counters.leaked_bytes;
        auto it = std::back_inserter(m_line);
        if (m_narrow) {
            fmt::format_to(it, "{:>6} {:>11} {:>11} ", record.iteration,
                           format_bytes(record.sample.rss_bytes), format_bytes(record.sample.maxrss_bytes));
        } else {
            fmt::format_to(it, "{:>6} {:>8.2f}s {:>11} {:>11} {:>11} ", record.iteration,
                           static_cast<double>(record.elapsed_ns) / 1e9, format_bytes(kept),
                           format_bytes(record.sample.rss_bytes), format_bytes(record.sample.maxrss_bytes));
        }
        m_line.append(render_bar(record.sample.rss_bytes, record.sample.maxrss_bytes, m_scale, m_bar_cells,
                                 m_caps.unicode));
        trim_and_end_line();
        m_out.write_line(m_line);
    }

    void note(Mode /*mode*/, std::uint64_t /*iteration*/, const std::string& text) override {
        // Notes are prose: wrapped to the width so a projected terminal shows them whole.
        const std::string first = fmt::format("       {} ", m_caps.unicode ? "↳" : ">");
        const auto width = static_cast<std::size_t>(std::max(m_caps.width - 1, 20));
        m_line.clear();
        for (const std::string& line : wrap(text, width, first, "         ")) {
            m_line.append(line);
            m_line.push_back('\n');
        }
        m_out.write_line(m_line);
    }

  private:
    void append_header(bool with_columns) {
        // The bar's title gets the bar's own columns: the longest wording that fits, the scale above all.
        const std::string_view fill = m_caps.unicode ? "█" : "#";
        const std::string_view mark = m_caps.unicode ? "┃" : "|";
        const std::string scale = format_bytes(m_scale);
        std::string title;
        for (const std::string& candidate :
             {fmt::format("rss {} max rss {} full bar = {}", fill, mark, scale),
              fmt::format("{} rss {} max, full = {}", fill, mark, scale), fmt::format("full = {}", scale),
              scale}) {
            if (display_width(candidate) <= static_cast<std::size_t>(m_bar_cells)) {
                title = candidate;
                break;
            }
        }
        std::string header;
        if (!with_columns) {
            header = fmt::format("{:>{}}", "", m_narrow ? narrow_prefix : wide_prefix);
        } else if (m_narrow) {
            header = fmt::format("{:>6} {:>11} {:>11} ", "iter", "rss", "max rss");
        } else {
            const std::string_view held = m_mode == Mode::hold ? "held" : "leaked";
            header =
                fmt::format("{:>6} {:>9} {:>11} {:>11} {:>11} ", "iter", "elapsed", held, "rss", "max rss");
        }
        const bool bold = m_caps.color;
        if (bold) {
            m_line.append(std::string_view("\033[1m"));
        }
        m_line.append(header);
        m_line.append(title);
        if (bold) {
            m_line.append(std::string_view("\033[0m"));
        }
        trim_and_end_line();
    }

    void trim_and_end_line() {
        while (m_line.size() > 0 && m_line[m_line.size() - 1] == ' ') {
            m_line.resize(m_line.size() - 1);
        }
        m_line.push_back('\n');
    }

    LineWriter& m_out;
    TerminalCaps m_caps;
    Mode m_mode;
    std::uint64_t m_scale;
    int m_bar_cells = 0;
    bool m_narrow = false;
    bool m_header_written = false;
    fmt::memory_buffer m_line;
};

}  // namespace

std::size_t display_width(std::string_view text) {
    return static_cast<std::size_t>(std::count_if(
        text.begin(), text.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

std::uint64_t bar_scale_for(std::uint64_t bytes) {
    std::uint64_t scale = std::uint64_t{1} << 20;
    while (scale < bytes && scale < (std::uint64_t{1} << 62)) {
        scale *= 2;
    }
    return scale;
}

std::string render_bar(std::uint64_t value, std::uint64_t mark, std::uint64_t scale, int cells,
                       bool unicode) {
    if (cells <= 0 || scale == 0) {
        return {};
    }
    const auto total = static_cast<std::uint64_t>(cells);
    const auto cells_for = [&](std::uint64_t bytes, std::uint64_t steps) {
        // Rounded down, in `steps` per cell, never past the end.
        const double exact = static_cast<double>(std::min(bytes, scale)) / static_cast<double>(scale);
        return std::min(static_cast<std::uint64_t>(exact * static_cast<double>(total * steps)),
                        total * steps);
    };
    std::string bar;
    std::uint64_t used = 0;
    if (unicode) {
        const std::uint64_t eighth_count = cells_for(value, 8);
        for (std::uint64_t i = 0; i < eighth_count / 8; ++i) {
            bar.append(full_block);
        }
        used = eighth_count / 8;
        if (eighth_count % 8 != 0) {
            bar.append(eighths[eighth_count % 8]);
            ++used;
        }
    } else {
        used = cells_for(value, 1);
        bar.append(used, '#');
    }
    // The max-RSS marker: at its own place, or just after the fill when max RSS is within the last cell.
    std::uint64_t mark_at = std::max(cells_for(mark, 1), used);
    if (mark_at >= total) {
        return bar;  // no room left: the full bar itself shows the peak
    }
    bar.append(mark_at - used, ' ');
    bar.append(unicode ? "┃" : "|");
    return bar;
}

std::unique_ptr<Sink> make_bar_table_sink(LineWriter& out, const TerminalCaps& caps, Mode mode,
                                          std::uint64_t expected_peak_bytes) {
    return std::make_unique<BarTableSink>(out, caps, mode, expected_peak_bytes);
}

}  // namespace leakdemo
