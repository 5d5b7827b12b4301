#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "live/chart_ring.hpp"
#include "live/frame.hpp"
#include "output/human_summary.hpp"
#include "output/table.hpp"

namespace leakdemo {
namespace {

constexpr std::uint64_t mib = 1 << 20;

// The rows a frame writes, by row number (1-based), from its "ESC[row;1H text ESC[K" pieces (parsed by
// hand: GCC 12 warns inside <regex> under the sanitizers).
std::vector<std::string> rows_of(const std::string& frame) {
    std::vector<std::string> rows;
    std::size_t at = 0;
    while ((at = frame.find("\x1b[", at)) != std::string::npos) {
        const std::size_t semicolon = frame.find(";1H", at);
        const std::size_t erase = frame.find("\x1b[K", at);
        if (semicolon == std::string::npos || erase == std::string::npos || semicolon > erase) {
            break;  // "ESC[J" at the end
        }
        const auto number = static_cast<std::size_t>(std::stoul(frame.substr(at + 2, semicolon - at - 2)));
        EXPECT_EQ(number, rows.size() + 1) << "rows in order, none skipped";
        rows.push_back(frame.substr(semicolon + 3, erase - semicolon - 3));
        at = erase + 3;
    }
    return rows;
}

Record record_at(std::uint64_t iteration, std::uint64_t rss, std::uint64_t leaked, std::uint64_t held) {
    Record record;
    record.iteration = iteration;
    record.elapsed_ns = static_cast<std::int64_t>(iteration) * 250'000'000;
    record.mode = held > 0 ? Mode::hold : Mode::leak;
    record.block_bytes = mib;
    record.counters.leaked_bytes = leaked;
    record.counters.outstanding_bytes = leaked + held;
    record.sample.rss_bytes = rss;
    record.sample.maxrss_bytes = rss + mib;
    record.sample.minor_faults = 1000 + iteration;
    return record;
}

// The code point at `column` (0-based) of a row, as UTF-8.
std::string column_of(const std::string& row, std::size_t column) {
    std::size_t seen = 0;
    for (std::size_t at = 0; at < row.size(); ++at) {
        if ((static_cast<unsigned char>(row[at]) & 0xC0) == 0x80) {
            continue;
        }
        if (seen++ == column) {
            std::size_t end = at + 1;
            while (end < row.size() && (static_cast<unsigned char>(row[end]) & 0xC0) == 0x80) {
                ++end;
            }
            return row.substr(at, end - at);
        }
    }
    return {};
}

// A leak that grows 1 MiB per sample from a 4 MiB baseline, `samples` of them.
struct Fixture {
    explicit Fixture(std::uint64_t samples) {
        for (std::uint64_t i = 0; i < samples; ++i) {
            const Record r = record_at(i, 4 * mib + i * mib, i * mib, 0);
            ring.push(chart_point_of(r));
            view.latest = r;
        }
        view.block_bytes = mib;
        view.interval = std::chrono::milliseconds(250);
        view.budget_bytes = 64 * mib;
        view.ring = &ring;
        view.run_peak_bytes = 30 * mib;
    }
    ChartRing ring;
    LiveView view;
};

TEST(Frame, FillsA60x20TerminalExactlyAndNoRowIsWider) {
    Fixture f(10);
    const std::string frame = render_frame(f.view, 60, 20);
    const auto rows = rows_of(frame);
    ASSERT_EQ(rows.size(), 20u);
    for (const std::string& row : rows) {
        EXPECT_LE(display_width(row), 60u) << row;
    }
    EXPECT_NE(rows[0].find("leak mode"), std::string::npos) << rows[0];
    EXPECT_NE(rows[0].find("250ms"), std::string::npos) << rows[0];
    EXPECT_NE(rows[1].find("64.0 MiB"), std::string::npos) << rows[1];
    EXPECT_NE(rows.back().find("q"), std::string::npos);
    // No full clear (that flickers): the rest is erased below the last row instead.
    EXPECT_EQ(frame.find("\x1b[2J"), std::string::npos);
    EXPECT_EQ(frame.substr(frame.size() - 3), "\x1b[J");
}

// At 60 columns the guard's and the peaks' words shorten; their numbers stay whole.
TEST(Frame, At60ColumnsTheGuardAndPeakNumbersAreWhole) {
    Fixture f(10);
    f.view.budget_bytes = 12 * 1024 * mib;
    f.view.phase_peak_bytes = 6 * mib;
    f.view.phase_start_iteration = 18;
    const std::optional<double> eta = seconds_to_budget(f.ring, f.view.budget_bytes);
    ASSERT_TRUE(eta.has_value());
    const std::string eta_words = format_eta_words(*eta);
    const auto rows = rows_of(render_frame(f.view, 60, 20));
    EXPECT_NE(rows[1].find("12.0 GiB"), std::string::npos) << rows[1];
    EXPECT_NE(rows[1].find(eta_words), std::string::npos) << rows[1] << " / " << eta_words;
    EXPECT_NE(rows[2].find("30.0 MiB"), std::string::npos) << rows[2];
    EXPECT_NE(rows[2].find("18"), std::string::npos) << rows[2];
    EXPECT_NE(rows[2].find("6.0 MiB"), std::string::npos) << rows[2];
    for (std::size_t i = 1; i <= 2; ++i) {
        EXPECT_LE(display_width(rows[i]), 60u) << rows[i];
        EXPECT_EQ(rows[i].find("\u2026"), std::string::npos) << "cut: " << rows[i];  // the ellipsis
    }
    // Wide enough, the long words come back.
    const auto wide = rows_of(render_frame(f.view, 140, 40));
    EXPECT_NE(wide[1].find("stops before leaked + held pass 12.0 GiB"), std::string::npos) << wide[1];
    EXPECT_NE(wide[2].find("peak: run 30.0 MiB (most seen)"), std::string::npos) << wide[2];
    EXPECT_NE(wide[2].find("phase since iteration 18: 6.0 MiB (VmHWM)"), std::string::npos) << wide[2];
}

TEST(Frame, AWiderTerminalGetsWiderRowsAndMoreOfTheChart) {
    Fixture f(100);
    const auto narrow = rows_of(render_frame(f.view, 60, 20));
    const auto wide = rows_of(render_frame(f.view, 140, 40));
    ASSERT_EQ(wide.size(), 40u);
    std::size_t widest = 0;
    for (const std::string& row : wide) {
        EXPECT_LE(display_width(row), 140u);
        widest = std::max(widest, display_width(row));
    }
    EXPECT_GT(widest, 100u);
    // The legend names the iterations shown: the newest that fit the plot's width.
    const auto legend_of = [](const std::vector<std::string>& rows) {
        for (const std::string& row : rows) {
            if (row.find("iterations") != std::string::npos) {
                return row;
            }
        }
        return std::string();
    };
    EXPECT_NE(legend_of(narrow).find("iterations 51–99"), std::string::npos) << legend_of(narrow);
    EXPECT_NE(legend_of(wide).find("iterations 0–99"), std::string::npos) << legend_of(wide);
}

// The columns a row takes on the screen: code points, colour escapes (ESC [ ... m) not counted.
std::size_t visible_width(const std::string& row) {
    std::size_t width = 0;
    for (std::size_t at = 0; at < row.size(); ++at) {
        if (row[at] == '\x1b') {
            at = row.find('m', at);
            EXPECT_NE(at, std::string::npos) << "an escape that is not a colour in a row: " << row;
            if (at == std::string::npos) {
                return width;
            }
            continue;
        }
        width += (static_cast<unsigned char>(row[at]) & 0xC0) != 0x80 ? 1U : 0U;
    }
    return width;
}

std::string without_blanks(const std::vector<std::string>& rows) {
    std::string joined;
    for (const std::string& row : rows) {
        for (const char c : row) {
            if (c != ' ') {
                joined.push_back(c);
            }
        }
    }
    return joined;
}

TEST(Frame, BelowTheMinimumItSaysWhatItNeedsAndHasInFullAndNeverPastTheEdge) {
    Fixture f(5);
    // 50x15 (QA's case) had "enlarge the terminal: leakdemo live needs 60×20, this is 50×1…".
    EXPECT_EQ(rows_of(render_frame(f.view, 50, 15)),
              std::vector<std::string>{"enlarge the terminal: need 60×20, have 50×15"});
    EXPECT_EQ(rows_of(render_frame(f.view, 59, 19)),
              std::vector<std::string>{"enlarge the terminal: need 60×20, have 59×19"});
    EXPECT_EQ(rows_of(render_frame(f.view, 20, 5)), (std::vector<std::string>{"need 60×20,", "have 20×5"}));
    EXPECT_EQ(rows_of(render_frame(f.view, 1, 1)), std::vector<std::string>{"n"});
    f.view.unicode = false;
    EXPECT_EQ(rows_of(render_frame(f.view, 22, 1)), std::vector<std::string>{"need 60x20, have 22x1"});
    f.view.unicode = true;
    // Every size below 60x20: no row past the last, none wider than the terminal; the whole message from
    // 6x4 up (its longest word is 6 columns, it has 4 words).
    for (int width = 1; width < 70; ++width) {
        for (int height = 1; height < 22; ++height) {
            if (width >= min_frame_width && height >= min_frame_height) {
                continue;
            }
            const std::string frame = render_frame(f.view, width, height);
            const auto rows = rows_of(frame);
            ASSERT_LE(rows.size(), static_cast<std::size_t>(height)) << width << "x" << height;
            ASSERT_GE(rows.size(), 1u);
            for (const std::string& row : rows) {
                ASSERT_LE(visible_width(row), static_cast<std::size_t>(width))
                    << width << "x" << height << row;
            }
            if (width >= 6 && height >= 4) {
                const std::string have = std::to_string(width) + "×" + std::to_string(height);
                const std::string said = without_blanks(rows);
                EXPECT_TRUE(said.find("need60×20,have" + have) != std::string::npos ||
                            said.find("needs60×20,thisis" + have) != std::string::npos)
                    << width << "x" << height << ": " << said;
            }
            EXPECT_EQ(frame.substr(frame.size() - 3), "\x1b[J");
        }
    }
    // 60x20 is the whole frame.
    EXPECT_EQ(rows_of(render_frame(f.view, 60, 20)).size(), 20u);
}

TEST(Frame, AsciiHasNoByteAbove127) {
    Fixture f(30);
    f.view.unicode = false;
    f.ring.mark_newest('h');
    const std::string frame = render_frame(f.view, 80, 24);
    for (const char c : frame) {
        ASSERT_LT(static_cast<unsigned char>(c), 128u);
    }
    EXPECT_NE(frame.find('#'), std::string::npos);
    const std::string unicode = render_frame(Fixture(30).view, 80, 24);
    EXPECT_NE(unicode.find("█"), std::string::npos);
}

// The colour escapes (ESC [ ... m) of a frame, in order.
std::vector<std::string> colour_escapes(const std::string& frame) {
    std::vector<std::string> found;
    for (std::size_t at = frame.find("\x1b["); at != std::string::npos; at = frame.find("\x1b[", at + 1)) {
        std::size_t end = at + 2;
        while (end < frame.size() && ((frame[end] >= '0' && frame[end] <= '9') || frame[end] == ';')) {
            ++end;
        }
        if (end < frame.size() && frame[end] == 'm') {
            found.push_back(frame.substr(at, end + 1 - at));
        }
    }
    return found;
}

// A frame with every kind of thing in it: leaked and held bytes, a mark, notes with Unicode, a phase.
Fixture busy_fixture() {
    Fixture f(40);
    for (std::uint64_t i = 40; i < 60; ++i) {
        f.ring.push(chart_point_of(record_at(i, 44 * mib + (i - 40) * mib, 40 * mib, (i - 40) * mib)));
    }
    f.view.latest = record_at(60, 10 * mib, 40 * mib, 0);
    f.ring.push(chart_point_of(*f.view.latest));  // low: room above its bar for the key's line
    f.ring.mark_newest('m');
    f.view.phase_peak_bytes = 63 * mib;
    f.view.phase_start_iteration = 59;
    f.view.key_note = "key m: a new phase: VmHWM reset to the current RSS, 63.0 MiB → the run's peak is kept";
    f.view.notes = {"block 36 reused the heap memory freed in iteration 30: arena unchanged (6.3 MiB) — …",
                    "0 page faults for this block: its pages were already resident (RSS unchanged: 63 MiB)"};
    return f;
}

TEST(Frame, EveryRowFitsAt60x20And200x50InUnicodeAsciiColourAndNot) {
    for (const auto& [width, height] : {std::pair{60, 20}, std::pair{200, 50}, std::pair{61, 25}}) {
        for (const bool unicode : {true, false}) {
            for (const bool color : {true, false}) {
                for (const bool ended : {false, true}) {
                    Fixture f = busy_fixture();
                    f.view.unicode = unicode;
                    f.view.color = color;
                    f.view.ended = ended ? "stopped by the memory guard" : "";
                    const auto rows = rows_of(render_frame(f.view, width, height));
                    ASSERT_EQ(rows.size(), static_cast<std::size_t>(height));
                    // The header keeps the iteration whole: at 60 columns the name gives way.
                    EXPECT_NE(rows[0].find("iteration 60"), std::string::npos) << rows[0];
                    EXPECT_EQ(rows[0].find("…"), std::string::npos) << rows[0];
                    for (const std::string& row : rows) {
                        EXPECT_LE(visible_width(row), static_cast<std::size_t>(width))
                            << width << "x" << height << (unicode ? " unicode" : " ascii")
                            << (color ? " colour" : "") << ": " << row;
                    }
                }
            }
        }
    }
}

TEST(Frame, ColourOnPaintsTheSeriesAndKeysAndOffWritesNoEscapeAtAll) {
    Fixture f = busy_fixture();
    const std::string plain = render_frame(f.view, 100, 30);
    EXPECT_EQ(colour_escapes(plain), std::vector<std::string>{}) << "colour off: no escape at all";
    f.view.color = true;
    const std::string frame = render_frame(f.view, 100, 30);
    const auto rows = rows_of(frame);
    // The chart: RSS cyan, max RSS magenta, leaked as the leak mode (red), held as hold (yellow), the
    // key pressed bold; each also in the legend.
    for (const std::string_view painted :
         {"\x1b[36m█", "\x1b[35m─", "\x1b[31mL", "\x1b[33mH", "\x1b[1m│", "\x1b[1mm\x1b[0m"}) {
        EXPECT_NE(frame.find(painted), std::string::npos) << painted;
    }
    // The key line's keys are bold: "q quit" with q in bold.
    EXPECT_NE(rows.back().find("\x1b[1mq\x1b[0m quit"), std::string::npos) << rows.back();
    // The same text as without colour, once the escapes are taken out.
    std::string stripped = frame;
    for (std::size_t at = stripped.find("\x1b["); at != std::string::npos; at = stripped.find("\x1b[", at)) {
        const std::size_t end = stripped.find_first_not_of("0123456789;", at + 2);
        if (stripped[end] == 'm') {
            stripped.erase(at, end + 1 - at);
        } else {
            at = end;
        }
    }
    EXPECT_EQ(stripped, plain);
    // No colour around padding: no style starts on a blank, none ends after one.
    for (std::size_t at = frame.find("\x1b["); at != std::string::npos; at = frame.find("\x1b[", at + 1)) {
        const std::size_t end = frame.find_first_not_of("0123456789;", at + 2);
        if (frame[end] != 'm') {
            continue;
        }
        const bool reset = frame.compare(at, end + 1 - at, "\x1b[0m") == 0;
        if (reset) {
            EXPECT_NE(frame[at - 1], ' ') << "a style ends after a blank at byte " << at;
        } else {
            EXPECT_NE(frame[end + 1], ' ') << "a style starts on a blank at byte " << at;
        }
    }
}

TEST(Frame, TheBudgetsTimeIsAnAlarmOnlyWhenClose) {
    Fixture f(10);  // 4 MiB/s, 9 MiB outstanding
    f.view.color = true;
    f.view.budget_bytes = 64 * mib;  // 13.75 s to go
    const std::string close = rows_of(render_frame(f.view, 100, 30))[1];
    EXPECT_NE(close.find("at this rate in \x1b[1m\x1b[31m14 s\x1b[0m"), std::string::npos) << close;
    f.view.budget_bytes = 64ULL << 30;  // hours to go
    const std::string far = rows_of(render_frame(f.view, 100, 30))[1];
    EXPECT_EQ(colour_escapes(far), std::vector<std::string>{}) << far;
    EXPECT_NE(far.find("at this rate in 4 h"), std::string::npos) << far;
}

TEST(Frame, ARunThatEndedSaysWhyAndThatQLeavesInPlaceOfTheKeys) {
    Fixture f(3);
    f.view.ended = "finished: 3 iterations";
    auto rows = rows_of(render_frame(f.view, 100, 30));
    EXPECT_EQ(rows.back(), "finished: 3 iterations — press q to leave (the other keys do nothing now)");
    EXPECT_EQ(rows_of(render_frame(f.view, 60, 20)).back(), "finished: 3 iterations — press q to leave");
    f.view.unicode = false;
    f.view.color = true;
    rows = rows_of(render_frame(f.view, 60, 20));
    EXPECT_EQ(rows.back(), "\x1b[1mfinished: 3 iterations\x1b[0m - press \x1b[1mq\x1b[0m to leave");
    f.view.ended = "stopped by the memory guard before iteration 1234567 of a long run";
    rows = rows_of(render_frame(f.view, 60, 20));
    EXPECT_EQ(rows.back().rfind("\x1b[1mq\x1b[0m leaves - \x1b[1mstopped by the memory guard", 0), 0u)
        << rows.back();
    EXPECT_EQ(rows.back().substr(rows.back().size() - 5), "\x1b[0m~") << "cut, its style closed";
    EXPECT_EQ(visible_width(rows.back()), 60u);
}

TEST(Frame, AKeyPressIsAMarkOnTheChartAndItsAxis) {
    Fixture f(20);
    f.ring.push(chart_point_of(record_at(20, 4 * mib, 0, 0)));  // lower than the rest: room above it
    f.ring.mark_newest('r');
    const auto rows = rows_of(render_frame(f.view, 80, 24));
    const auto axis = std::find_if(rows.begin(), rows.end(),
                                   [](const std::string& row) { return row.find("└") != std::string::npos; });
    ASSERT_NE(axis, rows.end());
    // The 21st point sits in the 21st plot column, after the 10-column label and the axis.
    EXPECT_EQ(column_of(*axis, 11 + 20), "r") << *axis;
    EXPECT_EQ(column_of(*axis, 11 + 19), "─") << *axis;
    // Above its low bar, a vertical line.
    EXPECT_EQ(column_of(rows[3], 11 + 20), "│") << rows[3];
    EXPECT_EQ(column_of(rows[3], 11 + 21), " ") << rows[3];
    // Leaked bytes are drawn as L.
    bool leaked = false;
    for (const std::string& row : rows) {
        leaked = leaked || row.find('L') != std::string::npos;
    }
    EXPECT_TRUE(leaked);
}

TEST(Frame, PausedPhaseNotesAndTheMenuAreShown) {
    Fixture f(12);
    f.view.paused = true;
    f.view.phase_peak_bytes = 9 * mib;
    f.view.phase_start_iteration = 7;
    f.view.key_note = "key m: a new phase";
    f.view.notes = {"first note", "second note"};
    auto rows = rows_of(render_frame(f.view, 80, 24));
    EXPECT_EQ(rows[0].rfind("PAUSED", 0), 0u) << rows[0];
    EXPECT_NE(rows[2].find("phase since iteration 7: 9.0 MiB (VmHWM)"), std::string::npos) << rows[2];
    f.view.phase_peak_bytes.reset();
    EXPECT_NE(rows_of(render_frame(f.view, 80, 24))[2].find("m starts a phase"), std::string::npos);
    EXPECT_NE(rows[20].find("key m: a new phase"), std::string::npos) << rows[20];
    EXPECT_NE(rows[21].find("first note"), std::string::npos);
    EXPECT_NE(rows[22].find("second note"), std::string::npos);

    const std::array<MenuEntry, 3> menu{{{Mode::leak, '1', ""},
                                         {Mode::free, '2', ""},
                                         {Mode::cycle, '6', "--mode cycle: this scenario is not built yet"}}};
    f.view.menu = menu;
    f.view.menu_open = true;
    rows = rows_of(render_frame(f.view, 80, 24));
    const std::string all = [&] {
        std::string joined;
        for (const std::string& row : rows) {
            joined += row + "\n";
        }
        return joined;
    }();
    EXPECT_NE(all.find("1 leak (now)"), std::string::npos) << all;
    EXPECT_NE(all.find("6 cycle: --mode cycle: this scenario is not built yet"), std::string::npos) << all;
    EXPECT_EQ(rows.size(), 24u);
}

TEST(Frame, TimeToTheBudgetFollowsTheRateOfOutstandingBytes) {
    ChartRing ring(16);
    EXPECT_EQ(seconds_to_budget(ring, 64 * mib), std::nullopt);
    // 1 MiB per 0.25 s = 4 MiB/s; at 10 MiB outstanding, 54 MiB to go: 13.5 s.
    for (std::uint64_t i = 0; i <= 10; ++i) {
        ring.push(chart_point_of(record_at(i, 4 * mib + i * mib, i * mib, 0)));
    }
    ASSERT_TRUE(seconds_to_budget(ring, 64 * mib).has_value());
    EXPECT_NEAR(*seconds_to_budget(ring, 64 * mib), 13.5, 1e-9);
    EXPECT_EQ(seconds_to_budget(ring, std::nullopt), std::nullopt);
    // Not growing (free mode): no time to give.
    ring.push(chart_point_of(record_at(11, 14 * mib, 10 * mib, 0)));
    EXPECT_EQ(seconds_to_budget(ring, 64 * mib, 1), std::nullopt);
}

TEST(Frame, TheHeaderSaysTheTimeToTheBudgetInTheSummarysWords) {
    // 4 MiB/s at 11 MiB: a budget 3,720 s away.
    Fixture f(12);
    f.view.budget_bytes = 11 * mib + 3720 * 4 * mib;
    const auto rows = rows_of(render_frame(f.view, 100, 30));
    EXPECT_NE(rows[1].find("at this rate in 1 h 2 min"), std::string::npos) << rows[1];
    EXPECT_NE(format_budget_line(f.view.budget_bytes, 3720.0).find("reached in 1 h 2 min"),
              std::string::npos);
    // The elapsed cell of the figures is the compact form of the same span (not "7384.0s").
    f.view.latest->elapsed_ns = std::int64_t{7384} * 1'000'000'000;
    const auto later = rows_of(render_frame(f.view, 100, 30));
    EXPECT_NE(later[later.size() - 8].find("2h03m"), std::string::npos) << later[later.size() - 8];
}

TEST(ChartRing, KeepsTheNewestAndNeverGrows) {
    ChartRing ring(4);
    for (std::uint64_t i = 0; i < 10; ++i) {
        ring.push(chart_point_of(record_at(i, i * mib, 0, 0)));
    }
    EXPECT_EQ(ring.size(), 4u);
    EXPECT_EQ(ring.capacity(), 4u);
    EXPECT_EQ(ring.at_age(0).iteration, 9u);
    EXPECT_EQ(ring.at_age(3).iteration, 6u);
    ring.mark_newest('t');
    EXPECT_EQ(ring.at_age(0).mark, 't');
    EXPECT_EQ(ring.at_age(1).mark, 0);
}

}  // namespace
}  // namespace leakdemo
