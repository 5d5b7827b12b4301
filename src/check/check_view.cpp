#include "check/check_view.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <optional>

#include "output/style.hpp"
#include "output/table.hpp"

namespace leakdemo {
namespace {

// 12288000 -> "12,288,000": the figures are compared to the byte, so they are shown to the byte.
std::string grouped(std::uint64_t value) {
    std::string digits = std::to_string(value);
    for (auto at = static_cast<std::ptrdiff_t>(digits.size()) - 3; at > 0; at -= 3) {
        digits.insert(static_cast<std::size_t>(at), 1, ',');
    }
    return digits;
}

// Cell texts of one table row (figure `index` of CheckRecord's eight): leakdemo's expected figure, then per
// checker what it should say when that differs from leakdemo's categories (LSan: its own column, so each ✔
// stands beside the number it was judged against) and what it said, with ✔ or ✗.
struct CheckCell {
    std::string text;
    std::optional<bool> agrees;  // a judged cell: did the checker say what was expected
};
struct CheckRow {
    std::string label;
    std::vector<CheckCell> cells;
};

// LSan is held to its own figures (expected_for): it gets an "expects" column; valgrind is held to
// leakdemo's, the column before its own.
bool has_own_expectation(Checker checker) {
    return checker == Checker::lsan;
}

std::string figure_text(const std::optional<std::uint64_t>& figure) {
    return figure ? grouped(*figure) : std::string("silent");
}

CheckRow make_row(std::size_t index, const std::vector<CheckRecord>& records, const Summary& summary,
                  bool unicode) {
    const auto category = static_cast<LeakCategory>(index / 2);
    const bool bytes = index % 2 == 0;
    const auto figure = figures_of(summary.expected)[index / 2];
    CheckRow row{fmt::format("{} {}", to_string(category), bytes ? "bytes" : "blocks"), {}};
    row.cells.push_back({grouped(bytes ? figure->bytes : figure->blocks), std::nullopt});
    for (const CheckRecord& record : records) {
        if (has_own_expectation(record.checker)) {
            row.cells.push_back({figure_text(record.expected[index]), std::nullopt});
        }
        const auto& said = record.reported[index];
        const bool agrees = said == record.expected[index];
        const std::string_view mark = agrees ? (unicode ? "✔" : "ok") : (unicode ? "✗" : "X");
        row.cells.push_back({fmt::format("{} {}", figure_text(said), mark), agrees});
    }
    return row;
}

std::string rules_and_lesson(const std::vector<CheckRecord>& records, const Summary& summary,
                             std::size_t width) {
    std::string text;
    const ScenarioInfo& info = scenario_info(summary.mode);
    const bool lsan = std::any_of(records.begin(), records.end(),
                                  [](const CheckRecord& record) { return record.checker == Checker::lsan; });
    if (lsan) {
        text += wrap_text(
            info.lsan_rule == LsanRule::silent
                ? "LSan: expected to report nothing for this pattern (docs/check.md)."
            : info.lsan_rule == LsanRule::all_indirect
                ? "LSan: every block of a cycle is pointed to by another lost one, so it reports them all "
                  "as Indirect leaks and none as Direct (docs/check.md)."
                : "LSan: Direct leak = definitely lost, Indirect leak = indirectly lost; it is silent "
                  "on possibly lost and still reachable (any pointer into a block is a reference).",
            width, 6);
    }
    text += wrap_text(fmt::format("lesson ({}): {}.", to_string(summary.mode), info.lesson), width, 8);
    for (const CheckRecord& record : records) {
        text += fmt::format("{} {} with leakdemo\n", to_string(record.checker),
                            record.verdict == CheckVerdict::agrees ? "agrees" : "DISAGREES");
    }
    return text;
}

}  // namespace

CategoryFigures expected_for(Checker checker, Mode mode, const LeakClassification& expected) {
    CategoryFigures figures = figures_of(expected);
    if (checker == Checker::lsan) {
        const LsanRule rule = scenario_info(mode).lsan_rule;
        if (rule == LsanRule::silent) {
            figures[0] = LeakFigure{};
            figures[1] = LeakFigure{};
        } else if (rule == LsanRule::all_indirect && figures[0] && figures[1]) {
            // A cycle: each lost block is pointed to by another, so LSan has no direct leak at all.
            figures[1] =
                LeakFigure{figures[0]->bytes + figures[1]->bytes, figures[0]->blocks + figures[1]->blocks};
            figures[0] = LeakFigure{};
        }
        figures[2].reset();
        figures[3].reset();
    }
    return figures;
}

CheckRecord judge(Checker checker, const Summary& summary, const CategoryFigures& reported) {
    CheckRecord record{
        checker, summary.mode, summary.iterations, summary.block_bytes, CheckVerdict::agrees, {}, {}};
    const CategoryFigures expected = expected_for(checker, summary.mode, summary.expected);
    for (std::size_t category = 0; category < leak_category_count; ++category) {
        if (expected[category]) {
            record.expected[2 * category] = expected[category]->bytes;
            record.expected[2 * category + 1] = expected[category]->blocks;
        }
        if (reported[category]) {
            record.reported[2 * category] = reported[category]->bytes;
            record.reported[2 * category + 1] = reported[category]->blocks;
        }
        if (expected[category] != reported[category]) {
            record.verdict = CheckVerdict::disagrees;
        }
    }
    return record;
}

std::string render_check_table(const std::vector<CheckRecord>& records, const Summary& summary,
                               const TerminalCaps& caps) {
    std::vector<CheckRow> rows;
    for (std::size_t index = 0; index < 8; ++index) {
        rows.push_back(make_row(index, records, summary, caps.unicode));
    }
    std::vector<std::string> titles{"", "leakdemo expects"};
    for (const CheckRecord& record : records) {
        if (has_own_expectation(record.checker)) {
            titles.emplace_back("LSan expects");
        }
        titles.emplace_back(record.checker == Checker::valgrind ? "valgrind says" : "LSan says");
    }
    std::vector<Column> columns;
    for (std::size_t column = 0; column < titles.size(); ++column) {
        std::size_t width = display_width(titles[column]);
        for (const CheckRow& row : rows) {
            width = std::max(width, display_width(column == 0 ? row.label : row.cells[column - 1].text));
        }
        columns.push_back(Column{static_cast<int>(width), column == 0 ? Align::left : Align::right});
    }
    fmt::memory_buffer line;
    RowFormatter header(line, columns);
    for (const std::string& title : titles) {
        header.put(title, heading_style(caps.color));
    }
    end_line(line, true);
    for (const CheckRow& row : rows) {
        RowFormatter cells(line, columns);
        cells.put(row.label);
        for (const CheckCell& cell : row.cells) {
            const auto style = !cell.agrees   ? fmt::text_style{}
                               : *cell.agrees ? release_style(caps.color)
                                              : growth_style(caps.color);
            cells.put(cell.text, style);
        }
        end_line(line);
    }
    std::string text(line.data(), line.size());
    return text + rules_and_lesson(records, summary, static_cast<std::size_t>(std::max(caps.width, 20)));
}

std::string wrap_text(std::string_view text, std::size_t width, std::size_t indent) {
    std::string out;
    std::size_t used = 0;
    while (!text.empty()) {
        const auto blank = text.find(' ');
        const std::string_view word = text.substr(0, blank);
        text.remove_prefix(blank == std::string_view::npos ? text.size() : blank + 1);
        if (word.empty()) {
            continue;
        }
        const std::size_t size = display_width(word);
        if (used > 0 && used + 1 + size > width) {
            out += '\n';
            out.append(indent, ' ');
            used = indent;
        } else if (used > 0) {
            out += ' ';
            ++used;
        }
        out += word;
        used += size;
    }
    return out + "\n";
}

}  // namespace leakdemo
