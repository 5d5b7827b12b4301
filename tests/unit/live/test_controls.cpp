// live's key notes and what a key does to the screen: each mode's memory named in its own unit, and no
// note of the old mode left on the screen after a switch.
#include <gtest/gtest.h>
#include <sys/mman.h>
#include <unistd.h>

#include <string>

#include "fakes.hpp"
#include "live/controls.hpp"
#include "util/units.hpp"

namespace leakdemo {
namespace {

constexpr std::uint64_t kib = 1024;

SwitchingWorkload::PerMode freed_in(std::initializer_list<std::pair<Mode, std::uint64_t>> freed) {
    SwitchingWorkload::PerMode per_mode{};
    for (const auto& [mode, bytes] : freed) {
        for (std::size_t i = 0; i < per_mode.size(); ++i) {
            if (enum_names<Mode>[i].first == mode) {
                per_mode[i] = bytes;
            }
        }
    }
    return per_mode;
}

MemorySample rss(std::uint64_t bytes) {
    MemorySample sample;
    sample.rss_bytes = bytes;
    return sample;
}

bool has(const std::string& text, std::string_view part) {
    return text.find(part) != std::string::npos;
}

TEST(ReleaseNote, NamesEachModesMemoryInItsOwnUnit) {
    const struct {
        Mode mode;
        std::string_view unit;
    } cases[] = {{Mode::hold, "of hold's blocks"},
                 {Mode::fragment, "of fragment's kept chunks"},
                 {Mode::cache, "of cache's map entries"},
                 {Mode::interior, "of interior's blocks known only by a pointer into their middle"}};
    for (const auto& one : cases) {
        SCOPED_TRACE(to_string(one.mode));
        const std::string note =
            release_note(freed_in({{one.mode, 256 * kib}}), rss(8192 * kib), rss(7936 * kib), one.mode);
        EXPECT_TRUE(has(note, std::string("released 256.0 KiB ") + std::string(one.unit))) << note;
        EXPECT_TRUE(has(note, "RSS fell 256.0 KiB (8.0 MiB -> 7.8 MiB)")) << note;
        EXPECT_FALSE(one.mode != Mode::hold && has(note, "held blocks")) << note;
    }
    const std::string both = release_note(freed_in({{Mode::hold, 8192 * kib}, {Mode::fragment, 256 * kib}}),
                                          rss(16384 * kib), rss(16384 * kib), Mode::free);
    EXPECT_TRUE(has(both, "released 8.0 MiB of hold's blocks and 256.0 KiB of fragment's kept chunks"))
        << both;
    EXPECT_TRUE(has(both, "it was in the brk heap")) << both;
}

TEST(ReleaseNote, NothingToReleaseSaysWhyInTheModesUnit) {
    const struct {
        Mode mode;
        std::string_view why;
    } cases[] = {{Mode::leak, "leak's blocks have no pointer left"},
                 {Mode::mmap, "mmap's mappings are never unmapped"},
                 {Mode::cycle, "cycle's shared pairs own each other"},
                 {Mode::indirect, "indirect's chains lost their heads"},
                 {Mode::exception, "exception's arrays lost their only pointer"},
                 {Mode::cache, "cache keeps no map entry now"},
                 {Mode::fragment, "fragment keeps no chunk now"},
                 {Mode::hold, "hold keeps no block now"}};
    for (const auto& one : cases) {
        const std::string note = release_note({}, rss(4096 * kib), rss(4096 * kib), one.mode);
        EXPECT_TRUE(has(note, "nothing reachable to release: ")) << note;
        EXPECT_TRUE(has(note, one.why)) << to_string(one.mode) << ": " << note;
    }
}

TEST(TrimNote, SaysMallocTrimCannotReturnMmapsMappings) {
    const std::string mmap = trim_note(0, rss(8192 * kib), rss(8192 * kib), Mode::mmap);
    EXPECT_TRUE(has(mmap, "mmap's mappings are not malloc's: malloc_trim cannot return them")) << mmap;
    const std::string free = trim_note(1, rss(8192 * kib), rss(4096 * kib), Mode::free);
    EXPECT_EQ(free, "malloc_trim(0): RSS fell 4.0 MiB (8.0 MiB -> 4.0 MiB)");
}

TEST(MarkNote, SaysTheResetReachesRuMaxrssAndThatLeakdemoKeepsTheRunsPeak) {
    MemorySample now = rss(13 * 1024 * kib);
    now.maxrss_bytes = 13 * 1024 * kib;
    const std::string note = mark_note(now, 213 * 1024 * kib, "");
    EXPECT_TRUE(has(note, "VmHWM reset to the current RSS, 13.0 MiB")) << note;
    EXPECT_TRUE(has(note, "and on this kernel ru_maxrss with it")) << note;
    EXPECT_TRUE(has(note, "the run's peak, 213.0 MiB, is kept by leakdemo")) << note;
    EXPECT_FALSE(has(note, "cannot be reset")) << note;
    const std::string failed = mark_note(now, 213 * 1024 * kib, "Permission denied");
    EXPECT_TRUE(has(failed, "cannot reset VmHWM")) << failed;
    EXPECT_TRUE(has(failed, "213.0 MiB")) << failed;
}

// After `m` the kernel's ru_maxrss may read less than before: the header's run peak stays the most seen.
TEST(LiveScreen, TheRunsPeakSurvivesAFallingMaxrss) {
    const int fd = ::memfd_create("leakdemo-test-screen", 0);
    ASSERT_GE(fd, 0);
    BlockWorkloadConfig config;
    config.mode = Mode::free;
    config.block_bytes = 4096;
    SwitchingWorkload workload(config);
    LiveScreen screen(fd, workload, std::nullopt, std::chrono::milliseconds(250), true, false);
    Record record;
    record.mode = Mode::free;
    record.block_bytes = 4096;
    record.iteration = 1;
    record.sample.maxrss_bytes = 200 * 1024 * kib;
    screen.record(record);
    record.iteration = 2;
    record.sample.maxrss_bytes = 13 * 1024 * kib;  // clear_refs reset the mark ru_maxrss reads
    screen.record(record);
    EXPECT_EQ(screen.view().run_peak_bytes, 200 * 1024 * kib);
    // The phase's VmHWM (this test process's, read from /proc) is part of the run: never above its peak.
    LiveScreen fresh(fd, workload, std::nullopt, std::chrono::milliseconds(250), true, false);
    fresh.start_phase();
    record.sample.maxrss_bytes = 1;
    fresh.record(record);
    ASSERT_TRUE(fresh.view().phase_peak_bytes.has_value());
    EXPECT_GE(fresh.view().run_peak_bytes, *fresh.view().phase_peak_bytes);
    ::close(fd);
}

// indirect's step with 40 MiB blocks is 120 MiB: past a 100 MiB budget, its first step would end the run.
TEST(LiveControls, AModeWhoseOneStepPassesTheBudgetIsRefusedAndTheRunGoesOn) {
    const int fd = ::memfd_create("leakdemo-test-screen", 0);
    ASSERT_GE(fd, 0);
    BlockWorkloadConfig config;
    config.mode = Mode::free;
    config.block_bytes = 40 * 1024 * kib;
    SwitchingWorkload workload(config);
    testing::FakeClock clock;
    testing::FakeSampler sampler(workload, clock, 4 << 20);
    LiveScreen screen(fd, workload, 100 * 1024 * kib, std::chrono::milliseconds(250), true, false);
    LiveControls controls(workload, sampler, screen, screen, std::chrono::milliseconds(250));
    char indirect_key = 0;
    std::uint64_t indirect_step = 0;
    for (const MenuEntry& entry : screen.menu()) {
        if (entry.mode == Mode::indirect) {
            indirect_key = entry.key;
        }
    }
    for (const ModeSlot& slot : workload.slots()) {
        if (slot.mode == Mode::indirect && slot.workload) {
            indirect_step = slot.workload->step_bytes();
        }
    }
    ASSERT_NE(indirect_key, 0);
    ASSERT_GT(indirect_step, 100 * 1024 * kib);
    controls.press('s');
    controls.press(indirect_key);
    EXPECT_EQ(workload.mode(), Mode::free);
    const std::string note(screen.view().key_note);
    EXPECT_TRUE(has(note, "indirect: one step needs " + format_bytes(indirect_step))) << note;
    EXPECT_TRUE(has(note, "more than the guard's 100.0 MiB budget; the mode stays free")) << note;
    EXPECT_FALSE(controls.quit());
    controls.press('h');  // a mode whose step fits still switches
    EXPECT_EQ(workload.mode(), Mode::hold);
    ::close(fd);
}

TEST(LiveControls, ASwitchClearsTheOldModesNotesFromTheScreen) {
    const int fd = ::memfd_create("leakdemo-test-screen", 0);  // the frames go here, not to a terminal
    ASSERT_GE(fd, 0);
    BlockWorkloadConfig config;
    config.mode = Mode::leak;
    config.block_bytes = 4096;
    SwitchingWorkload workload(config);
    testing::FakeClock clock;
    testing::FakeSampler sampler(workload, clock, 4 << 20);
    LiveScreen screen(fd, workload, std::nullopt, std::chrono::milliseconds(250), true, false);
    testing::RecordingSink sink;
    LiveControls controls(workload, sampler, screen, sink, std::chrono::milliseconds(250));

    screen.note(Mode::leak, 1, "4,096 bytes are now unreachable");
    screen.note(Mode::leak, 2, "block 2 came from the brk heap");
    EXPECT_EQ(screen.view().notes[1], "block 2 came from the brk heap");
    controls.press('l');  // already in leak mode: the notes stay true
    EXPECT_EQ(screen.view().notes[0], "4,096 bytes are now unreachable");

    controls.press('f');
    EXPECT_EQ(workload.mode(), Mode::free);
    EXPECT_TRUE(screen.view().notes[0].empty()) << screen.view().notes[0];
    EXPECT_TRUE(screen.view().notes[1].empty()) << screen.view().notes[1];
    screen.note(Mode::free, 3, "free() kept the memory");
    EXPECT_EQ(screen.view().notes[1], "free() kept the memory");
    ::close(fd);
}

}  // namespace
}  // namespace leakdemo
