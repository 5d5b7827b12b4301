// The shared renderer of the human views: columns, styled cells, notes under rows, bars; and the single
// run's two tables built on it.
#include <gtest/gtest.h>

#include <cctype>
#include <cstdio>
#include <sstream>
#include <string>
#include <vector>

#include "output/bars.hpp"
#include "output/style.hpp"
#include "output/table.hpp"

namespace leakdemo {
namespace {

constexpr std::uint64_t mib = std::uint64_t{1} << 20;

std::string text_of(const fmt::memory_buffer& buffer) {
    return std::string(buffer.data(), buffer.size());
}

TEST(RowFormatter, PadsEachCellToItsColumnByCodePoints) {
    constexpr Column columns[] = {{6}, {5, Align::left}, {3}};
    fmt::memory_buffer line;
    RowFormatter(line, columns).put("Δ rss").put("ab").cell("{}", 7).put("extra");
    // "Δ rss" is 6 bytes but 5 columns wide: one blank in front. Past the last column nothing is padded.
    EXPECT_EQ(text_of(line), " Δ rss ab      7 extra");
}

TEST(RowFormatter, AStyleCoversTheCellWithItsPaddingAndIsEmptyWithoutColour) {
    constexpr Column columns[] = {{5}};
    fmt::memory_buffer coloured;
    RowFormatter(coloured, columns).put("12", growth_style(true));
    EXPECT_EQ(text_of(coloured), "\033[31m   12\033[0m");
    fmt::memory_buffer plain;
    RowFormatter(plain, columns).put("12", growth_style(false));
    EXPECT_EQ(text_of(plain), "   12");
}

TEST(RowFormatter, BlankCellsKeepWhatFollowsInPlace) {
    constexpr Column columns[] = {{3}, {4}};
    fmt::memory_buffer with_titles;
    RowFormatter(with_titles, columns).put("a").put("b").open_cell().append(std::string_view("bar"));
    fmt::memory_buffer blanks;
    RowFormatter(blanks, columns).blank(2).open_cell().append(std::string_view("bar"));
    EXPECT_EQ(text_of(with_titles).find("bar"), text_of(blanks).find("bar"));
    EXPECT_EQ(text_of(blanks), "         bar");
}

TEST(RowFormatter, HiddenColumnsLeaveNoCellAndNoBlank) {
    constexpr Column columns[] = {{2}, {3}, {4}};
    fmt::memory_buffer line;
    RowFormatter(line, columns, ColumnMask{0b101}).put("a").put("b").put("c").put("past");
    EXPECT_EQ(text_of(line), " a    c past");
}

TEST(FitColumns, DropsColumnsInTheGivenOrderUntilTheRestFits) {
    constexpr Column columns[] = {{5}, {9}, {9}, {9}};  // 35 wide with its blanks
    constexpr std::size_t order[] = {3, 1};
    EXPECT_EQ(shown_width(columns), 35);
    EXPECT_EQ(fit_columns(columns, order, 35), all_columns);
    const ColumnMask without_last = fit_columns(columns, order, 34);
    EXPECT_EQ(without_last & 0b1111U, 0b0111U);
    EXPECT_EQ(shown_width(columns, without_last), 25);
    EXPECT_EQ(fit_columns(columns, order, 15) & 0b1111U, 0b0101U);
    EXPECT_EQ(fit_columns(columns, order, 3) & 0b1111U, 0b0101U) << "what is not in the order always stays";
}

TEST(EndLine, TrimsTrailingBlanksOnlyWhenAsked) {
    fmt::memory_buffer kept;
    kept.append(std::string_view("a  "));
    end_line(kept);
    EXPECT_EQ(text_of(kept), "a  \n");
    fmt::memory_buffer trimmed;
    trimmed.append(std::string_view("a  "));
    end_line(trimmed, true);
    EXPECT_EQ(text_of(trimmed), "a\n");
}

TEST(Note, UnwrappedItSitsUnderTheRowWithAnArrow) {
    fmt::memory_buffer line;
    append_note(line, NoteLayout{7, true, 0}, "RSS  rose");
    EXPECT_EQ(text_of(line), "       ↳ RSS  rose\n");
    line.clear();
    append_note(line, NoteLayout{6, false, 0}, "x");
    EXPECT_EQ(text_of(line), "      > x\n");
}

TEST(Note, WrappedAtBlanksEveryLineFitsAndLinesUpWithTheText) {
    fmt::memory_buffer note;
    append_note(note, NoteLayout{7, true, 30}, "glibc served this block with its own mmap: RSS rose by it");
    const std::string text = text_of(note);
    // 30 columns at most: "       ↳ glibc served this block" would be 32.
    EXPECT_EQ(text,
              "       ↳ glibc served this\n"
              "         block with its own\n"
              "         mmap: RSS rose by it\n");
    // A word longer than the width still gets a line of its own rather than being cut.
    note.clear();
    append_note(note, NoteLayout{2, false, 10}, "a abcdefghijkl b");
    EXPECT_EQ(text_of(note), "  > a\n    abcdefghijkl\n    b\n");
}

TEST(Note, AFigureAndItsUnitAreOneWord) {
    EXPECT_EQ(next_unbreakable_word("4.0 KiB of it"), "4.0 KiB");
    EXPECT_EQ(next_unbreakable_word("(+4.0 MiB), then"), "(+4.0 MiB),");
    EXPECT_EQ(next_unbreakable_word("1,001 B."), "1,001 B.");
    EXPECT_EQ(next_unbreakable_word("2.5 s"), "2.5 s");
    EXPECT_EQ(next_unbreakable_word("4 iterations"), "4");   // not a unit
    EXPECT_EQ(next_unbreakable_word("v3.19 KiB"), "v3.19");  // not a figure
    EXPECT_EQ(next_unbreakable_word("KiB 4.0"), "KiB");
    EXPECT_EQ(next_unbreakable_word("4.0"), "4.0");
    EXPECT_EQ(next_unbreakable_word(""), "");
}

TEST(Note, AFigureAndItsUnitNeverWrapApart) {
    // At every width some line of this note once ended in "4.0" with "KiB" starting the next.
    const std::string_view text =
        "RSS rose by 4.0 KiB, then by 12.5 MiB (+4.0 MiB per iteration) over 2.5 s: 1,001 B more than asked";
    // A line that ends in a digit while the next one starts with a unit (no std::regex: GCC 12 warns
    // inside it under ASan).
    const auto splits_a_figure = [](const std::string& wrapped) {
        std::istringstream lines(wrapped);
        std::string previous;
        for (std::string line; std::getline(lines, line); previous = line) {
            std::istringstream words(line);
            std::string first;
            words >> first;
            const bool unit = first == "B" || first.starts_with("KiB") || first.starts_with("MiB") ||
                              first == "s" || first.starts_with("s:");
            if (unit && !previous.empty() && std::isdigit(static_cast<unsigned char>(previous.back())) != 0) {
                return true;
            }
        }
        return false;
    };
    for (std::size_t width = 14; width <= 80; ++width) {
        fmt::memory_buffer note;
        append_note(note, NoteLayout{2, false, width}, text);
        const std::string wrapped = text_of(note);
        EXPECT_FALSE(splits_a_figure(wrapped)) << "width " << width << ":\n" << wrapped;
        // Nothing is lost or doubled: the words come back in order.
        std::string joined;
        std::istringstream words(wrapped.substr(4));
        for (std::string word; words >> word;) {
            joined += (joined.empty() ? "" : " ") + word;
        }
        EXPECT_EQ(joined, text);
    }
}

TEST(AppendBar, TheSingleRunRoundsDownAndMarksMaxRss) {
    fmt::memory_buffer bar;
    append_bar(bar, 0.46, 0.75, BarStyle{4, true});
    // 0.46 of 4 cells is 14.7 eighths: 14 drawn (one full cell, six eighths); the marker in cell 3.
    EXPECT_EQ(text_of(bar), "█▊ ┃");
    bar.clear();
    append_bar(bar, 0.46, std::nullopt, BarStyle{4, false});
    EXPECT_EQ(text_of(bar), "#") << "no marker asked, no trailing blanks";
}

TEST(AppendBar, CompareRoundsToTheNearestEighthFramedAndColouredPerMode) {
    fmt::memory_buffer bar;
    append_bar(bar, 0.46, std::nullopt, BarStyle{4, true, true, true});
    EXPECT_EQ(text_of(bar), "|█▉  |");
    bar.clear();
    append_bar(bar, 0.46, std::nullopt, BarStyle{4, false, true, true, mode_style(Mode::hold, true)});
    EXPECT_EQ(text_of(bar), "|\033[33m##\033[0m  |");
    bar.clear();
    append_bar(bar, 0.0, std::nullopt, BarStyle{3, false, true, true, mode_style(Mode::free, false)});
    EXPECT_EQ(text_of(bar), "|   |");
}

// A sink's output, read back from a temporary file.
class SinkOutput {
  public:
    SinkOutput() : m_file(std::tmpfile()), m_writer(fileno(m_file)) {}
    ~SinkOutput() { std::fclose(m_file); }
    SinkOutput(const SinkOutput&) = delete;
    SinkOutput& operator=(const SinkOutput&) = delete;
    LineWriter& writer() { return m_writer; }
    std::vector<std::string> lines() {
        std::rewind(m_file);
        std::vector<std::string> result;
        char buffer[2048];
        while (std::fgets(buffer, sizeof buffer, m_file) != nullptr) {
            result.emplace_back(buffer);
            result.back().pop_back();  // '\n'
        }
        return result;
    }

  private:
    std::FILE* m_file;
    LineWriter m_writer;
};

Record leak_record(std::uint64_t iteration, std::uint64_t rss_bytes) {
    Record record;
    record.iteration = iteration;
    record.elapsed_ns = static_cast<std::int64_t>(iteration) * 250'000'000;
    record.counters.leaked_bytes = iteration * 4 * mib;
    record.counters.outstanding_bytes = record.counters.leaked_bytes;
    record.sample.rss_bytes = rss_bytes;
    record.sample.maxrss_bytes = rss_bytes;
    record.sample.minor_faults = 1000 + iteration;
    return record;
}

TEST(TableSink, ColoursWhatGrowsRedAndWhatShrinksGreenWithANoteUnderItsRow) {
    SinkOutput output;
    const auto sink = make_table_sink(output.writer(), TerminalCaps{true, true, true, 100}, Mode::leak);
    sink->record(leak_record(0, 8 * mib));
    sink->record(leak_record(1, 12 * mib));
    sink->note(Mode::leak, 1, "RSS rose by the block");
    sink->record(leak_record(2, 10 * mib));
    const auto lines = output.lines();
    ASSERT_EQ(lines.size(), 5U);
    EXPECT_EQ(lines[0],
              "\033[1m  iter   elapsed      leaked         rss     max rss       Δ rss minor faults\033[0m");
    EXPECT_EQ(lines[1], "     0     0.00s         0 B     8.0 MiB     8.0 MiB           —         1000");
    EXPECT_EQ(lines[2],
              "     1     0.25s \033[31m    4.0 MiB\033[0m    12.0 MiB    12.0 MiB \033[31m   +4.0 MiB\033[0m"
              "         1001");
    EXPECT_EQ(lines[3], "       ↳ RSS rose by the block");
    EXPECT_NE(lines[4].find("\033[32m   -2.0 MiB\033[0m"), std::string::npos) << lines[4];
}

TEST(TableSink, HoldModeShowsHeldBytesAndAsciiHasNoMultibyteText) {
    SinkOutput output;
    const auto sink = make_table_sink(output.writer(), TerminalCaps{false, false, false, 80}, Mode::hold);
    sink->record(leak_record(0, 8 * mib));
    sink->note(Mode::hold, 0, "held");
    const auto lines = output.lines();
    ASSERT_EQ(lines.size(), 3U);
    EXPECT_EQ(lines[0], "  iter   elapsed        held         rss     max rss       d rss minor faults");
    EXPECT_EQ(lines[1].substr(lines[1].size() - 21), "       -         1000");
    EXPECT_EQ(lines[2], "       > held");
}

TEST(TableSink, ANarrowTerminalDropsTheLeastImportantColumnsFirst) {
    const std::vector<std::pair<int, std::string>> expected{
        {80, "  iter   elapsed      leaked         rss     max rss       Δ rss minor faults"},
        {70, "  iter   elapsed      leaked         rss     max rss       Δ rss"},
        {60, "  iter      leaked         rss     max rss       Δ rss"},
        {50, "  iter      leaked         rss     max rss"},
        {40, "  iter      leaked         rss"},
        {20, "  iter         rss"}};
    for (const auto& [width, header] : expected) {
        SinkOutput output;
        const auto sink =
            make_table_sink(output.writer(), TerminalCaps{true, false, true, width}, Mode::leak);
        sink->record(leak_record(0, 8 * mib));
        sink->record(leak_record(1, 12 * mib));
        sink->note(Mode::leak, 1,
                   "a note long enough to be wrapped at the narrowest of these terminal widths");
        const auto lines = output.lines();
        ASSERT_GE(lines.size(), 4U);
        EXPECT_EQ(lines[0], header) << width;
        for (const std::string& line : lines) {
            EXPECT_LE(display_width(line), static_cast<std::size_t>(width - 1)) << width << ": " << line;
        }
    }
}

TEST(TableSink, NotesStayOneLineInAPipe) {
    SinkOutput output;
    const auto sink = make_table_sink(output.writer(), TerminalCaps{false, false, true, 40}, Mode::leak);
    sink->record(leak_record(0, 8 * mib));
    sink->note(Mode::leak, 0, "a note long enough to be wrapped on a forty column terminal, but kept whole");
    const auto lines = output.lines();
    ASSERT_EQ(lines.size(), 3U);
    EXPECT_EQ(lines[2],
              "       ↳ a note long enough to be wrapped on a forty column terminal, but kept whole");
}

TEST(BarTableSink, BelowTheNarrowLayoutTheBarGoesAndNoScaleLineIsPrinted) {
    for (const int width : {20, 32, 39}) {
        SinkOutput output;
        const auto sink =
            make_bar_table_sink(output.writer(), TerminalCaps{true, false, true, width}, Mode::leak, mib);
        for (const std::uint64_t rss : {4 * mib, 12 * mib, 24 * mib, 48 * mib}) {
            sink->record(leak_record(rss / (4 * mib), rss));
        }
        const auto lines = output.lines();
        ASSERT_EQ(lines.size(), 5U) << width << ": a header and four rows, no line for a new scale";
        for (const std::string& line : lines) {
            ASSERT_FALSE(line.empty()) << width;
            EXPECT_LE(display_width(line), static_cast<std::size_t>(width - 1)) << width << ": " << line;
            EXPECT_EQ(line.find("█"), std::string::npos) << width << ": " << line;
        }
        EXPECT_EQ(lines[0], width < 32 ? "  iter         rss" : "  iter         rss     max rss") << width;
    }
    // At 40 columns the narrow layout has its 8-cell bar, the scale over it in its short form.
    SinkOutput output;
    const auto sink =
        make_bar_table_sink(output.writer(), TerminalCaps{true, false, true, 40}, Mode::leak, 512 * mib);
    sink->record(leak_record(0, 4 * mib));
    EXPECT_EQ(output.lines()[0], "  iter         rss     max rss 512MiB");
}

TEST(BarTableSink, EveryLineFitsTheWidthAndEachNewScaleIsAnnouncedOnce) {
    for (const int width : {45, 60, 100}) {  // the narrow layout, and the full one
        SinkOutput output;
        const TerminalCaps caps{true, false, true, width};
        const auto sink = make_bar_table_sink(output.writer(), caps, Mode::leak, 8 * mib);
        // The scale starts at 8 MiB and must double to 16, 32, then 64 MiB.
        for (const std::uint64_t rss : {4 * mib, 12 * mib, 24 * mib, 48 * mib}) {
            sink->record(leak_record(rss / (4 * mib), rss));
        }
        sink->note(Mode::leak, 3, "a note long enough to be wrapped on every one of these terminal widths");
        const auto lines = output.lines();
        ASSERT_GE(lines.size(), 1U + 1U + 3U * 2U + 1U) << width;
        EXPECT_NE(lines[0].find("iter"), std::string::npos) << lines[0];
        EXPECT_NE(lines[0].find("8.0 MiB"), std::string::npos) << "the first scale: " << lines[0];
        for (const char* scale : {"16.0 MiB", "32.0 MiB", "64.0 MiB"}) {
            std::size_t announced = 0;
            for (const std::string& line : lines) {
                if (line.find(scale) != std::string::npos) {
                    ++announced;
                    EXPECT_EQ(line.find("iter"), std::string::npos) << "a scale line has no titles: " << line;
                }
            }
            EXPECT_EQ(announced, 1U) << scale << " at width " << width;
        }
        for (const std::string& line : lines) {
            EXPECT_LE(display_width(line), static_cast<std::size_t>(width - 1)) << line;
            ASSERT_FALSE(line.empty());
            EXPECT_NE(line.back(), ' ') << "no trailing blanks: '" << line << "'";
        }
    }
}

}  // namespace
}  // namespace leakdemo
