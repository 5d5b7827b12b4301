#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "compare/compare_view.hpp"
#include "output/table.hpp"

namespace leakdemo {
namespace {

constexpr std::uint64_t block = 4096000;

Record record_at(Mode mode, std::uint64_t iteration, std::uint64_t rss_bytes) {
    Record r;
    r.iteration = iteration;
    r.mode = mode;
    r.block_bytes = block;
    r.counters.requested_bytes = iteration * block;
    r.sample.rss_bytes = rss_bytes;
    r.sample.maxrss_bytes = rss_bytes;
    return r;
}

// A run that grows by `growth` per iteration from 4 MiB, `count` records long.
std::vector<Record> run_of(Mode mode, std::size_t count, std::uint64_t growth) {
    std::vector<Record> run;
    for (std::uint64_t i = 0; i < count; ++i) {
        run.push_back(record_at(mode, i, 4194304 + i * growth));
    }
    return run;
}

class RecordingView final : public CompareView {
  public:
    void row(const Record* first, const Record* second) override {
        rows.emplace_back(first != nullptr ? static_cast<int>(first->iteration) : -1,
                          second != nullptr ? static_cast<int>(second->iteration) : -1);
        events.push_back(
            fmt::format("row {}", rows.back().first >= 0 ? rows.back().first : rows.back().second));
    }
    void note(Mode mode, std::uint64_t iteration, const std::string& text) override {
        events.push_back(fmt::format("{} note {}: {}", to_string(mode), iteration, text));
    }
    void finish(const Comparison& /*comparison*/) override { ++finished; }
    std::vector<std::pair<int, int>> rows;
    std::vector<std::string> events;
    int finished = 0;
};

using Rows = std::vector<std::pair<int, int>>;

TEST(RowMerger, WaitsForBothChildrenThenSendsTheRestOneSided) {
    Comparison comparison;
    RecordingView view;
    RowMerger merger(comparison, {&view});
    const auto leak = run_of(Mode::leak, 3, block);
    const auto free = run_of(Mode::free, 2, 0);
    for (const Record& record : leak) {
        merger.add_record(0, record);
    }
    EXPECT_TRUE(view.rows.empty()) << "the free child has reported nothing yet";
    EXPECT_EQ(merger.pending_records(0), 3U);

    for (const Record& record : free) {
        merger.add_record(1, record);
    }
    EXPECT_EQ(view.rows, (Rows{{0, 0}, {1, 1}}));
    EXPECT_EQ(merger.rows_emitted(), 2U);
    EXPECT_EQ(merger.pending_records(0), 1U) << "only the leak child's iteration 2 still waits";
    EXPECT_EQ(merger.pending_records(1), 0U);

    merger.finish();  // the free child stopped early: iteration 2 has only the leak side
    EXPECT_EQ(view.rows, (Rows{{0, 0}, {1, 1}, {2, -1}}));
    EXPECT_EQ(view.finished, 1);
}

TEST(RowMerger, HoldsOnlyWhatWaitsForTheOtherChild) {
    // In step, as compare's lock-step keeps them: nothing piles up however long the run.
    Comparison comparison;
    RecordingView view;
    RowMerger merger(comparison, {&view});
    for (std::uint64_t i = 0; i < 10000; ++i) {
        merger.add_record(i % 2, record_at(Mode::leak, i / 2, 0));
        EXPECT_LE(merger.pending_records(0) + merger.pending_records(1), 1U) << i;
    }
    EXPECT_EQ(merger.rows_emitted(), 5000U);
}

TEST(RowMerger, ANoteWaitsForItsRow) {
    Comparison comparison;
    RecordingView view;
    RowMerger merger(comparison, {&view});
    merger.add_record(0, record_at(Mode::leak, 0, 0));
    merger.add_record(0, record_at(Mode::leak, 1, 0));
    merger.add_note(0, Mode::leak, 1, "first block");
    merger.add_record(1, record_at(Mode::free, 0, 0));
    EXPECT_EQ(view.events, (std::vector<std::string>{"row 0"})) << "row 1 is not out: its note waits";
    merger.add_record(1, record_at(Mode::free, 1, 0));
    merger.add_note(1, Mode::free, 1, "freed");
    merger.finish();
    EXPECT_EQ(view.events,
              (std::vector<std::string>{"row 0", "row 1", "leak note 1: first block", "free note 1: freed"}));
}

// Runs a view into a temporary file and returns what it wrote.
class ViewOutput {
  public:
    ViewOutput() : m_file(std::tmpfile()), m_writer(fileno(m_file)) {}
    ~ViewOutput() { std::fclose(m_file); }
    ViewOutput(const ViewOutput&) = delete;
    ViewOutput& operator=(const ViewOutput&) = delete;
    LineWriter& writer() { return m_writer; }
    std::vector<std::string> lines() {
        std::rewind(m_file);
        std::vector<std::string> result;
        char buffer[1024];
        while (std::fgets(buffer, sizeof buffer, m_file) != nullptr) {
            result.emplace_back(buffer);
        }
        return result;
    }

  private:
    std::FILE* m_file;
    LineWriter m_writer;
};

TEST(CompareTable, NumbersForBothSidesAndLongerBarsForMoreRss) {
    Options options;
    options.iterations = 4;
    TerminalCaps caps;
    caps.width = 120;
    ViewOutput output;
    auto view = make_compare_view(Format::table, output.writer(), caps, options);
    const auto leak = run_of(Mode::leak, 5, block);
    const auto free = run_of(Mode::free, 5, 0);
    for (std::size_t i = 0; i < 5; ++i) {
        view->row(&leak[i], &free[i]);
    }
    view->row(&leak[4], nullptr);
    const auto lines = output.lines();
    ASSERT_EQ(lines.size(), 1U + 6U);
    EXPECT_NE(lines[0].find("leak rss"), std::string::npos) << lines[0];
    EXPECT_NE(lines[0].find("free max"), std::string::npos) << lines[0];
    // Bars sit between '|' pairs, "... |####   | |#      |": bar b is the text after the (2b+1)-th '|'.
    const auto bar_cells = [](const std::string& line, int bar) {
        std::size_t open = line.find('|');
        for (int i = 0; i < 2 * bar; ++i) {
            open = line.find('|', open + 1);
        }
        const std::string inside = line.substr(open + 1, line.find('|', open + 1) - open - 1);
        return std::count(inside.begin(), inside.end(), '#');
    };
    EXPECT_GT(bar_cells(lines[5], 0), bar_cells(lines[1], 0)) << "the leak bar grows";
    EXPECT_EQ(bar_cells(lines[5], 1), bar_cells(lines[1], 1)) << "the free bar stays";
    EXPECT_NE(lines[5].find("+15.6 MiB"), std::string::npos) << "the difference: 4 blocks\n" << lines[5];
    EXPECT_NE(lines[6].find(" - "), std::string::npos) << "a missing side shows '-'\n" << lines[6];
}

TEST(CompareTable, NoBarsWhenTooNarrow) {
    Options options;
    TerminalCaps caps;
    caps.width = 40;
    ViewOutput output;
    auto view = make_compare_view(Format::table, output.writer(), caps, options);
    const Record record = record_at(Mode::leak, 0, 4194304);
    view->row(&record, &record);
    for (const std::string& line : output.lines()) {
        EXPECT_EQ(line.find('|'), std::string::npos) << line;
    }
}

TEST(CompareTable, RowsNarrowToTheWidthBarsFirstThenTheMaxColumns) {
    const std::vector<std::pair<int, std::string>> headers{
        {80, " iter  leak rss  leak max  free rss  free max     Δ rss leak rss    free rss"},
        {56, " iter  leak rss  leak max  free rss  free max     Δ rss"},
        {55, " iter  leak rss  leak max  free rss     Δ rss"},
        {40, " iter  leak rss  free rss     Δ rss"},
        {30, " iter  leak rss  free rss"},
        {20, " iter  leak rss  free rss"}};
    for (const auto& [width, header] : headers) {
        TerminalCaps caps{false, false, true, width};
        ViewOutput output;
        auto view = make_compare_view(Format::table, output.writer(), caps, Options{});
        const Record leak = record_at(Mode::leak, 1, 8 * 1048576);
        const Record free = record_at(Mode::free, 1, 4 * 1048576);
        view->row(&leak, &free);
        const auto lines = output.lines();
        ASSERT_EQ(lines.size(), 2U);
        EXPECT_EQ(lines[0], header + "\n") << width;
        if (width >= 25) {
            for (const std::string& line : lines) {
                EXPECT_LE(display_width(line) - 1, static_cast<std::size_t>(width - 1))
                    << width << ": " << line;
            }
        }
    }
}

TEST(CompareTable, NotesAreWrappedAtWordsToTheWidth) {
    TerminalCaps caps{false, false, true, 40};
    ViewOutput output;
    auto view = make_compare_view(Format::table, output.writer(), caps, Options{});
    const std::string text =
        "valgrind reports these blocks as definitely lost: no pointer to them is left anywhere";
    view->note(Mode::leak, 1, text);
    const auto lines = output.lines();
    ASSERT_GE(lines.size(), 3U);
    std::string words;
    for (const std::string& line : lines) {
        EXPECT_LE(display_width(line) - 1, 39U) << line;
        std::string_view rest(line);
        rest.remove_suffix(1);  // '\n'
        rest.remove_prefix(rest.find_first_not_of(' '));
        if (rest.starts_with("↳ ")) {
            rest.remove_prefix(std::string_view("↳ ").size());  // the first line's arrow
        }
        words += std::string(rest) + " ";
    }
    EXPECT_EQ(words, "leak: " + text + " ") << "every word whole, in order";
}

TEST(CompareSummary, TwoColumnsAndBothVerdicts) {
    Comparison comparison;
    comparison.runs[0].mode = Mode::leak;
    comparison.runs[1].mode = Mode::free;
    Summary leaking;
    leaking.mode = Mode::leak;
    leaking.iterations = 20;
    leaking.verdict = Verdict::leaking;
    comparison.runs[0].summary = leaking;
    // The free child died before its summary: its column says so instead of inventing numbers.
    const std::string text = format_compare_summary(comparison, false);
    EXPECT_NE(text.find("leak vs free"), std::string::npos) << text;
    std::string verdict_line;
    std::string iterations_line;
    for (std::size_t start = 0, end = 0; (end = text.find('\n', start)) != std::string::npos;
         start = end + 1) {
        const std::string line = text.substr(start, end - start);
        if (line.find("verdict") != std::string::npos) {
            verdict_line = line;
        }
        if (line.find("iterations") != std::string::npos) {
            iterations_line = line;
        }
    }
    EXPECT_EQ(verdict_line, "  verdict               leaking              -");
    EXPECT_EQ(iterations_line, "  iterations                 20              -");
    EXPECT_EQ(text.find("\033["), std::string::npos) << "no colour unless asked";
    EXPECT_NE(format_compare_summary(comparison, true).find("\033[31mleaking"), std::string::npos);
}

std::string line_of(const std::string& text, std::string_view label) {
    const auto at = text.find(fmt::format("  {:<14}", label));
    return at == std::string::npos ? std::string() : text.substr(at, text.find('\n', at) - at);
}

TEST(CompareSummary, HoldModeHasAHeldRowAndRoundedFiguresAddUp) {
    Comparison comparison;
    comparison.runs[0].mode = Mode::hold;
    comparison.runs[1].mode = Mode::free;
    Summary hold;
    hold.mode = Mode::hold;
    hold.outstanding_bytes = 3 * 4096000;
    hold.rss_start_bytes = 4150000;  // 3.96 MiB: prints 4.0
    hold.rss_end_bytes = 8325000;    // 7.94 MiB: prints 7.9, so the growth must print 3.9 (not 4.0)
    hold.rss_growth_bytes = 8325000 - 4150000;
    comparison.runs[0].summary = hold;
    Summary free;
    free.mode = Mode::free;
    comparison.runs[1].summary = free;
    const std::string text = format_compare_summary(comparison, false);
    EXPECT_EQ(line_of(text, "held"), "  held                 11.7 MiB            0 B") << text;
    EXPECT_EQ(line_of(text, "RSS start"), "  RSS start             4.0 MiB            0 B") << text;
    EXPECT_EQ(line_of(text, "RSS end"), "  RSS end               7.9 MiB            0 B") << text;
    EXPECT_EQ(line_of(text, "RSS growth"), "  RSS growth           +3.9 MiB            0 B") << text;
}

}  // namespace
}  // namespace leakdemo
