// `leakdemo scenarios`: the zoo (measure/scenario_info.hpp) as a table whose cells wrap to the terminal's
// width, or one record per mode (JSON Lines, CSV) by the schema's field list.
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <numeric>

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

constexpr std::size_t column_count = 5;
using Cells = std::array<std::string_view, column_count>;

Cells cells_of(const ScenarioInfo& info) {
    return {to_string(info.mode), info.pattern, info.valgrind, info.lsan, info.rss};
}

// Each column's width: its widest cell when everything fits in `width`; otherwise the columns that need
// less than their share keep their size, and the others share what is left in proportion to their widest
// cell, never narrower than their longest word (so a mode name never wraps, and no word sticks out).
std::array<std::size_t, column_count> column_widths(std::size_t width, const Cells& titles) {
    std::array<std::size_t, column_count> natural{};
    std::array<std::size_t, column_count> longest_word{};
    for (std::size_t column = 0; column < column_count; ++column) {
        natural[column] = display_width(titles[column]);
        longest_word[column] = natural[column];
        for (const ScenarioInfo& info : scenario_infos) {
            const std::string_view cell = cells_of(info)[column];
            natural[column] = std::max(natural[column], display_width(cell));
            for (std::size_t at = 0; at < cell.size();) {
                const auto blank = std::min(cell.find(' ', at), cell.size());
                longest_word[column] =
                    std::max(longest_word[column], display_width(cell.substr(at, blank - at)));
                at = blank + 1;
            }
        }
    }
    std::size_t room = width > column_count - 1 ? width - (column_count - 1) : 0;
    std::array<std::size_t, column_count> widths{};
    std::array<bool, column_count> settled{};
    for (bool changed = true; changed;) {
        changed = false;
        std::size_t open_natural = 0;
        for (std::size_t column = 0; column < column_count; ++column) {
            open_natural += settled[column] ? 0 : natural[column];
        }
        for (std::size_t column = 0; column < column_count; ++column) {
            const std::size_t share = open_natural == 0 ? 0 : room * natural[column] / open_natural;
            widths[column] = settled[column] ? widths[column] : std::max(share, longest_word[column]);
            if (!settled[column] && natural[column] <= share) {
                widths[column] = natural[column];
                room -= natural[column];
                settled[column] = changed = true;
                break;  // the shares of the others grow: measure again
            }
        }
    }
    // Rounding and the longest words may have overshot: narrow the column with the most slack.
    const auto total = [&widths] { return std::accumulate(widths.begin(), widths.end(), column_count - 1); };
    while (total() > width) {
        std::size_t slackest = 0;
        for (std::size_t column = 1; column < column_count; ++column) {
            if (widths[column] - longest_word[column] > widths[slackest] - longest_word[slackest]) {
                slackest = column;
            }
        }
        if (widths[slackest] == longest_word[slackest]) {
            break;  // narrower than its words: the terminal wraps the lines
        }
        --widths[slackest];
    }
    return widths;
}

// One mode's row: each cell wrapped to its column, lined up over as many lines as the longest needs.
void append_row(fmt::memory_buffer& out, const std::vector<Column>& columns, const Cells& cells,
                fmt::text_style first_style) {
    std::array<std::vector<std::string>, column_count> lines;
    std::size_t height = 0;
    for (std::size_t column = 0; column < column_count; ++column) {
        const std::string wrapped = wrap_text(cells[column], static_cast<std::size_t>(columns[column].width));
        for (std::size_t at = 0; at < wrapped.size();) {
            const auto newline = wrapped.find('\n', at);
            lines[column].push_back(wrapped.substr(at, newline - at));
            at = newline + 1;
        }
        height = std::max(height, lines[column].size());
    }
    for (std::size_t row = 0; row < height; ++row) {
        RowFormatter formatter(out, columns);
        for (std::size_t column = 0; column < column_count; ++column) {
            formatter.put(row < lines[column].size() ? std::string_view(lines[column][row]) : "",
                          column == 0 ? first_style : fmt::text_style{});
        }
        end_line(out, true);
    }
}

std::string render_scenarios(const TerminalCaps& caps) {
    const Cells titles{"mode", "pattern", "valgrind", "LSan", "RSS"};
    const auto widths = column_widths(static_cast<std::size_t>(caps.width), titles);
    std::vector<Column> columns;
    for (const std::size_t width : widths) {
        columns.push_back(Column{static_cast<int>(width), Align::left});
    }
    fmt::memory_buffer out;
    append_row(out, columns, titles, heading_style(caps.color));
    for (const ScenarioInfo& info : scenario_infos) {
        append_row(out, columns, cells_of(info), mode_style(info.mode, caps.color));
    }
    return std::string(out.data(), out.size());
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
