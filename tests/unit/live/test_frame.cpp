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

TEST(Frame, SmallerThan60x20AsksForMoreRoomInOneLine) {
    Fixture f(5);
    for (const auto& [width, height] : {std::pair{59, 30}, std::pair{100, 19}, std::pair{20, 5}}) {
        const auto rows = rows_of(render_frame(f.view, width, height));
        ASSERT_EQ(rows.size(), 1u);
        EXPECT_NE(rows[0].find("enlarge"), std::string::npos) << rows[0];
        EXPECT_LE(display_width(rows[0]), static_cast<std::size_t>(width));
    }
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
    EXPECT_NE(rows_of(render_frame(f.view, 80, 24))[2].find("cannot be reset"), std::string::npos);
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
