// `leakdemo scenarios`: the zoo (measure/scenario_info.hpp) as a table whose cells wrap to the terminal's
// width, or one record per mode (JSON Lines, CSV) by the schema's field list.
//
// Three layouts, chosen by the width, so that no line is ever wider than the terminal:
//   - wide (>= 160 columns): mode, pattern, valgrind, LSan, RSS and lesson side by side;
//   - medium (>= 60): the five short columns, and each mode's lesson as a wrapped "lesson:" line under its
//     row (the lesson is a sentence: squeezed into a sixth column at 80 it would run to ten lines);
//   - narrow (< 60): one block per mode, its name, then "pattern: ...", "valgrind: ..." indented under it.
// Cells wrap at blanks; a word longer than its column is broken, never left sticking out. Only the text is
// styled (--color), never the padding around it.
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <numeric>
#include <vector>

#include "check/check.hpp"
#include "check/check_view.hpp"
#include "output/encode.hpp"
#include "output/formats.hpp"
#include "output/output.hpp"
#include "output/style.hpp"
#include "output/table.hpp"
#include "util/error.hpp"

namespace leakdemo {
namespace {

constexpr std::size_t wide_table_width = 160;
constexpr std::size_t table_width = 60;
constexpr std::size_t column_gap = 1;

struct Field {
    std::string_view title;
    std::string_view ScenarioInfo::*text;
};
constexpr Field fields[] = {{"pattern", &ScenarioInfo::pattern},
                            {"valgrind", &ScenarioInfo::valgrind},
                            {"LSan", &ScenarioInfo::lsan},
                            {"RSS", &ScenarioInfo::rss},
                            {"lesson", &ScenarioInfo::lesson}};
constexpr std::size_t lesson_field = 4;

// The bytes of `text` that fill at most `columns` display columns (whole UTF-8 code points, at least one).
std::size_t prefix_fitting(std::string_view text, std::size_t columns) {
    std::size_t at = 0;
    for (std::size_t used = 0; at < text.size(); ++used) {
        if (used == columns && used > 0) {
            break;
        }
        ++at;
        while (at < text.size() && (static_cast<unsigned char>(text[at]) & 0xC0) == 0x80) {
            ++at;
        }
    }
    return at;
}

// `text` cut at blanks into lines of at most `width` display columns, the first of at most `first`
// (a label stands before it). A word longer than a whole line is broken.
std::vector<std::string> wrap_cell(std::string_view text, std::size_t width, std::size_t first) {
    width = std::max<std::size_t>(width, 1);
    std::vector<std::string> lines(1);
    std::size_t room = std::min(first, width);
    while (!text.empty()) {
        const auto blank = text.find(' ');
        std::string_view word = text.substr(0, blank);
        text.remove_prefix(blank == std::string_view::npos ? text.size() : blank + 1);
        while (!word.empty()) {
            const std::size_t used = display_width(lines.back());
            if (used + (used > 0 ? 1 : 0) + display_width(word) <= room) {
                lines.back() += used > 0 ? " " : "";
                lines.back() += word;
                break;
            }
            if (used == 0 && room == width) {  // longer than a whole line: break it
                const std::size_t cut = prefix_fitting(word, room);
                lines.back() += word.substr(0, cut);
                word.remove_prefix(cut);
            }
            lines.emplace_back();
            room = width;
        }
    }
    return lines;
}

std::vector<std::string> wrap_cell(std::string_view text, std::size_t width) {
    return wrap_cell(text, width, width);
}

std::size_t longest(std::string_view title, std::string_view ScenarioInfo::*text) {
    std::size_t width = display_width(title);
    for (const ScenarioInfo& info : scenario_infos) {
        width = std::max(width, display_width(text == nullptr ? to_string(info.mode) : info.*text));
    }
    return width;
}

// Each column's width within `width`: its widest cell when all fit; otherwise the mode column keeps its
// size and the others share what is left in proportion to their widest cell (the remainder to the widest),
// so no column is wider than its widest cell and every line fits.
std::vector<std::size_t> column_widths(std::size_t width, std::size_t count) {
    std::vector<std::size_t> natural{longest("mode", nullptr)};
    for (std::size_t field = 0; field < count; ++field) {
        natural.push_back(longest(fields[field].title, fields[field].text));
    }
    const std::size_t gaps = column_gap * count;
    if (std::accumulate(natural.begin(), natural.end(), gaps) <= width) {
        return natural;
    }
    const std::size_t room = width - gaps - natural[0];
    const std::size_t shared = std::accumulate(natural.begin() + 1, natural.end(), std::size_t{0});
    std::vector<std::size_t> widths{natural[0]};
    for (std::size_t column = 1; column < natural.size(); ++column) {
        widths.push_back(std::max<std::size_t>(room * natural[column] / shared, 1));
    }
    const auto widest = std::max_element(natural.begin() + 1, natural.end()) - natural.begin();
    const std::size_t given = std::accumulate(widths.begin() + 1, widths.end(), std::size_t{0});
    widths[static_cast<std::size_t>(widest)] += room > given ? room - given : 0;
    return widths;
}

void append_styled(fmt::memory_buffer& out, std::string_view text, fmt::text_style style) {
    if (!text.empty()) {
        fmt::format_to(std::back_inserter(out), "{}", fmt::styled(text, style));
    }
}

// One row: each cell wrapped to its column, lined up over as many lines as the longest needs; padding
// between cells is never styled, and a line ends at its last character.
void append_row(fmt::memory_buffer& out, const std::vector<std::size_t>& widths,
                const std::vector<std::string_view>& cells, fmt::text_style first_style,
                fmt::text_style other_style) {
    std::vector<std::vector<std::string>> lines;
    std::size_t height = 0;
    for (std::size_t column = 0; column < cells.size(); ++column) {
        lines.push_back(wrap_cell(cells[column], widths[column]));
        height = std::max(height, lines.back().size());
    }
    for (std::size_t row = 0; row < height; ++row) {
        std::size_t pending = 0;  // blanks owed before the next text
        for (std::size_t column = 0; column < cells.size(); ++column) {
            std::string_view text;
            if (row < lines[column].size()) {
                text = lines[column][row];
            }
            if (!text.empty()) {
                out.append(std::string(pending, ' '));
                append_styled(out, text, column == 0 ? first_style : other_style);
                pending = 0;
            }
            pending += widths[column] - display_width(text) + column_gap;
        }
        out.push_back('\n');
    }
}

// `label: text` wrapped to `width`: the label after `indent` blanks and in bold, the text's further lines
// two blanks further in, under the label's text.
void append_labelled(fmt::memory_buffer& out, std::string_view label, std::string_view text,
                     std::size_t indent, std::size_t width, const TerminalCaps& caps) {
    constexpr std::size_t hanging = 2;
    const std::size_t room = width > indent + hanging ? width - indent - hanging : 1;
    const std::size_t label_width = display_width(label) + 2;
    const std::size_t first = width > indent + label_width ? width - indent - label_width : 0;
    const std::vector<std::string> lines = wrap_cell(text, room, first);
    for (std::size_t line = 0; line < lines.size(); ++line) {
        if (line == 0) {
            out.append(std::string(indent, ' '));
            append_styled(out, label, heading_style(caps.color));
            out.push_back(':');
            out.append(std::string_view(lines[0].empty() ? "" : " "));
        } else {
            out.append(std::string(indent + hanging, ' '));
        }
        out.append(lines[line]);
        out.push_back('\n');
    }
}

std::string render_table(const TerminalCaps& caps, std::size_t width) {
    const std::size_t count = width >= wide_table_width ? std::size(fields) : lesson_field;
    const std::vector<std::size_t> widths = column_widths(width, count);
    std::vector<std::string_view> titles{"mode"};
    for (std::size_t field = 0; field < count; ++field) {
        titles.push_back(fields[field].title);
    }
    fmt::memory_buffer out;
    append_row(out, widths, titles, heading_style(caps.color), heading_style(caps.color));
    for (const ScenarioInfo& info : scenario_infos) {
        std::vector<std::string_view> cells{to_string(info.mode)};
        for (std::size_t field = 0; field < count; ++field) {
            cells.push_back(info.*fields[field].text);
        }
        append_row(out, widths, cells, mode_style(info.mode, caps.color), fmt::text_style{});
        if (count == lesson_field) {
            append_labelled(out, "lesson", info.lesson, widths[0] + column_gap, width, caps);
        }
    }
    return std::string(out.data(), out.size());
}

std::string render_stacked(const TerminalCaps& caps, std::size_t width) {
    fmt::memory_buffer out;
    for (const ScenarioInfo& info : scenario_infos) {
        for (const std::string& line : wrap_cell(to_string(info.mode), width)) {
            append_styled(out, line, mode_style(info.mode, caps.color));
            out.push_back('\n');
        }
        for (const Field& field : fields) {
            append_labelled(out, field.title, info.*field.text, 2, width, caps);
        }
    }
    return std::string(out.data(), out.size());
}

std::string render_scenarios(const TerminalCaps& caps) {
    const auto width = static_cast<std::size_t>(std::max(caps.width, 1));
    return width >= table_width ? render_table(caps, width) : render_stacked(caps, width);
}

}  // namespace

Expected<ExitCode> run_scenarios(const Options& options) {
    LineWriter out(STDOUT_FILENO);
    const TerminalCaps caps = detect_terminal(STDOUT_FILENO, options.color);
    const Format format = resolve_stdout_format(options.format, caps.is_tty);
    try {
        if (format == Format::jsonl || format == Format::csv) {
            fmt::memory_buffer line;
            if (format == Format::csv) {
                out.write_line(csv_scenario_header());
            }
            for (const ScenarioInfo& info : scenario_infos) {
                line.clear();
                format == Format::csv ? append_csv_row(line, ScenarioRecord{&info})
                                      : append_jsonl(line, ScenarioRecord{&info});
                out.write_line(line);
            }
        } else {
            out.write_line(render_scenarios(caps));
        }
    } catch (const OutputClosed&) {
        // `scenarios | head`: enough.
    }
    return Expected<ExitCode>::ok(ExitCode::success);
}

}  // namespace leakdemo
