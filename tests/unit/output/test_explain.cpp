// The explainer fed with synthetic records: the numbers glibc and the kernel would produce, not the real
// ones, so every event (and every non-event) is under the test's control.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "fakes.hpp"
#include "output/explain.hpp"

namespace leakdemo {
namespace {

constexpr std::uint64_t block = 4096000;
constexpr std::uint64_t pages = 1000;
constexpr std::int64_t mapped = 4100096;  // 1,001 pages: chunk header + data

// What one iteration did to the process, as measured.
struct Change {
    bool mmapped = false;  // the workload saw hblkhd rise across malloc
    std::int64_t rss = 0;
    std::int64_t vsz = 0;
    std::int64_t arena = 0;
    std::int64_t heap_mmap = 0;
    std::uint64_t faults = 0;
};

std::uint64_t add(std::uint64_t value, std::int64_t delta) {
    return static_cast<std::uint64_t>(static_cast<std::int64_t>(value) + delta);
}

class Scenario {
  public:
    explicit Scenario(Mode mode, std::uint64_t block_bytes = block, ExplainContext context = {})
        : m_explainer(context) {
        m_record.mode = mode;
        m_record.block_bytes = block_bytes;
        m_record.sample.rss_bytes = 4 << 20;
        m_record.sample.maxrss_bytes = 4 << 20;
        m_record.sample.vsz_bytes = 6 << 20;
        m_record.sample.heap_arena_bytes = 132 << 10;
        m_record.sample.minor_faults = 190;
        EXPECT_TRUE(m_explainer.explain(m_record).empty()) << "the baseline has nothing to compare with";
    }

    // One iteration; returns its notes joined, and remembers them.
    std::string step(const Change& change) {
        Record& r = m_record;
        r.iteration += 1;
        r.counters.blocks += 1;
        r.counters.requested_bytes += r.block_bytes;
        if (r.mode != Mode::free) {
            r.counters.outstanding_bytes += r.block_bytes;
        }
        if (r.mode == Mode::leak) {
            r.counters.leaked_bytes += r.block_bytes;
        }
        r.counters.mmapped_blocks += change.mmapped ? 1 : 0;
        r.sample.rss_bytes = add(r.sample.rss_bytes, change.rss);
        r.sample.maxrss_bytes = std::max(
            r.sample.maxrss_bytes,
            add(r.sample.rss_bytes,
                change.mmapped && r.mode == Mode::free ? static_cast<std::int64_t>(r.block_bytes) : 0));
        r.sample.vsz_bytes = add(r.sample.vsz_bytes, change.vsz);
        r.sample.heap_arena_bytes = add(r.sample.heap_arena_bytes, change.arena);
        r.sample.heap_mmap_bytes = add(r.sample.heap_mmap_bytes, change.heap_mmap);
        r.sample.minor_faults += change.faults;
        std::string joined;
        for (const std::string& note : m_explainer.explain(r)) {
            joined += note + "\n";
            ++count;
        }
        return joined;
    }

    // live's `r`: held blocks freed between two samples, so outstanding falls.
    void release(std::uint64_t bytes) { m_record.counters.outstanding_bytes -= bytes; }

    // `leakdemo live` switched modes: the next steps are in `mode`.
    void switch_to(Mode mode) { m_record.mode = mode; }

    std::size_t count = 0;

  private:
    Explainer m_explainer;
    Record m_record;
};

// glibc's free mode with the dynamic threshold: mmap + munmap, then one heap block kept and reused.
const Change free_first{true, 0, 0, 0, 0, pages + 1};
const Change free_heap{false, mapped, mapped, mapped, 0, pages};
const Change free_reuse{false, 0, 0, 0, 0, 0};
const Change leak_step{true, mapped, mapped, 0, mapped, pages + 1};

bool has(const std::string& notes, std::string_view text) {
    return notes.find(text) != std::string::npos;
}

TEST(Explainer, FreeModeTellsMmapThenHeapThenReuse) {
    Scenario run(Mode::free);
    const std::string first = run.step(free_first);
    EXPECT_TRUE(has(first, "served by mmap")) << first;
    EXPECT_TRUE(has(first, "1001 minor page faults")) << first;
    EXPECT_TRUE(has(first, "4,096,000 bytes + glibc's 16-byte chunk header span 1,001 pages")) << first;
    EXPECT_TRUE(has(first, "munmap")) << first;
    EXPECT_TRUE(has(first, "high-water mark")) << first;

    const std::string second = run.step(free_heap);
    EXPECT_TRUE(has(second, "brk heap")) << second;
    EXPECT_TRUE(has(second, "raised glibc's dynamic mmap threshold")) << second;
    EXPECT_TRUE(has(second, "(iteration 1)")) << second;
    EXPECT_TRUE(has(second, "free() kept the memory")) << second;

    const std::string third = run.step(free_reuse);
    EXPECT_TRUE(has(third, "reused the heap memory freed in iteration 2")) << third;
    EXPECT_TRUE(has(third, "0 page faults")) << third;

    // Nothing changes any more: no more notes, however long the run.
    const std::size_t before = run.count;
    for (int i = 0; i < 20; ++i) {
        EXPECT_EQ(run.step(free_reuse), "");
    }
    EXPECT_EQ(run.count, before);
}

TEST(Explainer, LeakModeNamesTheLeakOnceAndNeverTheHeap) {
    Scenario run(Mode::leak);
    const std::string first = run.step(leak_step);
    EXPECT_TRUE(has(first, "served by mmap")) << first;
    EXPECT_TRUE(has(first, "4,096,000 bytes (3.9 MiB) are now unreachable")) << first;
    EXPECT_TRUE(has(first, "definitely lost")) << first;
    EXPECT_FALSE(has(first, "high-water")) << "RSS is at its peak in leak mode";
    for (int i = 0; i < 10; ++i) {
        const std::string later = run.step(leak_step);
        EXPECT_FALSE(has(later, "heap")) << later;
        EXPECT_FALSE(has(later, "unreachable")) << "explained once: " << later;
    }
}

TEST(Explainer, HugePagesExplainTheFewFaultsOfAFreshBlock) {
    ExplainContext context;
    context.huge_pages = true;
    constexpr std::uint64_t rounded = 4 << 20;  // --huge-pages rounds the block up to 2 x 2 MiB
    Scenario run(Mode::leak, rounded, context);
    const std::string first = run.step({true, 4 << 20, 6 << 20, 0, 4 << 20, 4});
    EXPECT_TRUE(has(first, "only 4 minor page faults where 4 KiB pages would take 1024")) << first;
    EXPECT_TRUE(has(first, "2 MiB transparent huge page")) << first;
    EXPECT_FALSE(has(first, "already resident")) << "the pages were fresh: " << first;
}

TEST(Explainer, FewFaultsWithoutHugePagesMeanResidentPages) {
    Scenario run(Mode::free);
    run.step(free_first);
    run.step(free_heap);
    const std::string third = run.step(free_reuse);
    EXPECT_FALSE(has(third, "huge page")) << third;
}

TEST(Explainer, HoldModeIsStillReachable) {
    Scenario run(Mode::hold);
    const std::string first = run.step(leak_step);
    EXPECT_TRUE(has(first, "still reachable")) << first;
    EXPECT_TRUE(has(first, "keeps until exit")) << first;
    EXPECT_FALSE(has(first, "definitely lost")) << first;
}

TEST(Explainer, HeldBytesThatFellAreNotAHugeHeldCount) {
    Scenario run(Mode::hold);
    run.release(2 * block);  // r freed two blocks before this step's one was made
    const std::string after_release = run.step(leak_step);
    EXPECT_FALSE(has(after_release, "held")) << after_release;
    EXPECT_FALSE(has(after_release, "PiB")) << after_release;
    const std::string next = run.step(leak_step);
    EXPECT_TRUE(has(next, "4,096,000 bytes")) << next;
    EXPECT_TRUE(has(next, "held")) << next;
}

TEST(Explainer, BlocksAbove32MiBAreMappedAndUnmappedEveryTime) {
    constexpr std::uint64_t big = 40 << 20;
    Scenario run(Mode::free, big);
    const Change big_step{true, 0, 0, 0, 0, big / 4096 + 1};
    const std::string first = run.step(big_step);
    EXPECT_TRUE(has(first, "blocks above 32.0 MiB are always mmap'd")) << first;
    EXPECT_TRUE(has(first, "munmap")) << first;
    const std::string second = run.step(big_step);
    EXPECT_TRUE(has(second, "mmap'd again although block 1 was mmap'd and freed")) << second;
    EXPECT_TRUE(has(second, "only raises the dynamic threshold for blocks up to 32.0 MiB")) << second;
    EXPECT_FALSE(has(second, "heap")) << second;
}

TEST(Explainer, MmapThresholdKnobIsNamedAsTheReason) {
    ExplainContext context;
    context.mmap_threshold_bytes = 128 << 10;
    Scenario run(Mode::free, block, context);
    const std::string first = run.step(free_first);
    EXPECT_TRUE(has(first, "--mmap-threshold 128.0 KiB")) << first;
    const std::string second = run.step(free_first);
    EXPECT_TRUE(has(second, "mallopt switches the dynamic threshold off")) << second;
    EXPECT_FALSE(has(second, "raised glibc's dynamic")) << second;
}

TEST(Explainer, TrimReturnsHeapMemoryEveryIteration) {
    ExplainContext context;
    context.trim = true;
    Scenario run(Mode::free, block, context);
    run.step(free_first);
    // From the heap (no mmap), faulted in, and after malloc_trim the arena and RSS are back down.
    const std::string second = run.step(Change{false, 0, 0, -32768, 0, pages});
    EXPECT_TRUE(has(second, "brk heap")) << second;
    EXPECT_TRUE(has(second, "malloc_trim(0)")) << second;
    EXPECT_TRUE(has(second, "memory returned to the OS")) << second;
}

TEST(Explainer, TouchNoneGrowsAddressSpaceNotResidentMemory) {
    ExplainContext context;
    context.touch = Touch::none;
    Scenario run(Mode::leak, block, context);
    const std::string first = run.step(Change{true, 8192, mapped, 0, mapped, 2});
    EXPECT_TRUE(has(first, "VSZ grew by +3.9 MiB but RSS only by +8.0 KiB")) << first;
    EXPECT_TRUE(has(first, "2 page faults")) << first;
    EXPECT_TRUE(has(first, "address space only")) << first;
    EXPECT_FALSE(has(first, "first touch")) << "nothing was touched: " << first;
}

TEST(Explainer, TheSameEventIsExplainedAgainWhenItChanges) {
    Scenario run(Mode::free);
    run.step(free_first);
    run.step(free_heap);
    run.step(free_reuse);
    // Suppose something else freed the heap block's memory: a fresh heap block again is news.
    const std::string again = run.step(free_heap);
    EXPECT_TRUE(has(again, "brk heap")) << again;
}

TEST(Explainer, SinkPassesRecordsOnAndFollowsThemWithNotes) {
    testing::RecordingSink downstream;
    auto sink = make_explaining_sink(ExplainContext{}, downstream);
    Record baseline;
    baseline.block_bytes = block;
    baseline.sample.rss_bytes = 4 << 20;
    baseline.sample.maxrss_bytes = 4 << 20;
    Record first = baseline;
    first.iteration = 1;
    first.counters = {1, block, block, block};
    first.sample.rss_bytes += mapped;
    first.sample.heap_mmap_bytes = mapped;
    sink->record(baseline);
    sink->record(first);
    ASSERT_EQ(downstream.records.size(), 2U);
    ASSERT_FALSE(downstream.notes.empty());
    EXPECT_EQ(downstream.notes.front().first, 1U);
}

// Each record of a long synthetic run, from what its iteration number says happened.
std::size_t notes_of_long_run(Mode mode, std::uint64_t block_bytes, ExplainContext context,
                              Change (*change_at)(std::uint64_t iteration), std::string* all = nullptr) {
    Scenario run(mode, block_bytes, context);
    for (std::uint64_t i = 1; i <= 1000000; ++i) {
        const std::string notes = run.step(change_at(i));
        if (all != nullptr) {
            *all += notes;
        }
    }
    return run.count;
}

// A 64-byte block: a fresh heap page (one fault) every 64 blocks, the arena grows by 132 KiB every 2,112.
Change small_block_at(std::uint64_t i) {
    Change change;
    if (i % 64 == 0) {
        change.rss = 4096;
        change.faults = 1;
    }
    if (i % 2112 == 0) {
        change.arena = 135168;
        change.vsz = 135168;
    }
    return change;
}

TEST(Explainer, AMillionSmallBlocksOfAnyModeMakeAFewDozenNotes) {
    for (const Mode mode : {Mode::leak, Mode::hold, Mode::free}) {
        SCOPED_TRACE(to_string(mode));
        EXPECT_LE(notes_of_long_run(mode, 64, {}, small_block_at), 40U);
    }
}

TEST(Explainer, AlternatingEventsAreCountedNotRepeated) {
    // The worst case: every iteration a change (fresh heap, then reuse, then fresh ...).
    const auto alternating = [](std::uint64_t i) { return i % 2 == 0 ? free_heap : free_reuse; };
    EXPECT_LE(notes_of_long_run(Mode::free, block, {}, alternating), 40U);
    EXPECT_LE(notes_of_long_run(Mode::leak, block, {}, [](std::uint64_t) { return leak_step; }), 40U);
}

TEST(Explainer, AChangeMidRunStillGetsItsNote) {
    // 64-byte heap blocks for half a million iterations, then suddenly an mmap'd one.
    const auto change_at = [](std::uint64_t i) {
        return i == 500000 ? Change{true, 4096, 8192, 0, 8192, 2} : small_block_at(i);
    };
    std::string all;
    notes_of_long_run(Mode::leak, 64, {}, change_at, &all);
    EXPECT_TRUE(has(all, "block 500000 (64 B) was served by mmap")) << all;
}

TEST(Explainer, AModeSwitchLetsTheNewModesNotesBeSaid) {
    Scenario live(Mode::leak);
    const std::string first = live.step(leak_step);
    EXPECT_TRUE(has(first, "are now unreachable")) << first;
    EXPECT_TRUE(has(first, "block 1 (3.9 MiB) was served by mmap")) << first;
    for (int i = 0; i < 5; ++i) {
        EXPECT_EQ(live.step(leak_step), "");  // said once: the same event again is no news
    }
    live.switch_to(Mode::free);
    const std::string free = live.step(free_first);
    EXPECT_TRUE(has(free, "block 7 (3.9 MiB) was served by mmap")) << free;  // free's own first block
    live.switch_to(Mode::leak);
    const std::string again = live.step(leak_step);
    EXPECT_TRUE(has(again, "are now unreachable")) << again;
    EXPECT_TRUE(has(again, "block 8 (3.9 MiB) was served by mmap")) << again;
}

TEST(Explainer, TheClosingNoteCountsWhatWasNotSaid) {
    testing::RecordingSink downstream;
    auto sink = make_explaining_sink(ExplainContext{}, downstream);
    Record record;
    record.block_bytes = 64;
    record.sample.rss_bytes = 4 << 20;
    record.sample.maxrss_bytes = 8 << 20;
    sink->record(record);
    for (std::uint64_t i = 1; i <= 1000; ++i) {
        record.iteration = i;
        record.counters.blocks = i;
        record.counters.requested_bytes = 64 * i;
        // Every other block faults in a page, the others fault none: said twice each, then counted.
        record.sample.minor_faults += i % 2;
        sink->record(record);
    }
    const std::size_t notes_before_summary = downstream.notes.size();
    EXPECT_LE(notes_before_summary, 12U);
    Summary summary;
    summary.iterations = 1000;
    sink->summary(summary);
    ASSERT_EQ(downstream.notes.size(), notes_before_summary + 1);
    EXPECT_EQ(downstream.notes.back().first, 1000U);
    EXPECT_TRUE(has(downstream.notes.back().second, "more times")) << downstream.notes.back().second;
}

TEST(Explainer, AOneByteBlockIsNotCalledMmapd) {
    Scenario run(Mode::free, 1);
    const std::string first = run.step(Change{false, 0, 0, 0, 0, 0});
    EXPECT_FALSE(has(first, "mmap")) << first;
}

TEST(Explainer, ASmallTouchedBlockIsNotCalledNotResident) {
    Scenario run(Mode::leak, 64);
    const std::string first = run.step(Change{});
    EXPECT_TRUE(has(first, "unreachable")) << first;
    EXPECT_FALSE(has(first, "not resident")) << first;
    EXPECT_FALSE(has(first, "address space only")) << first;
}

TEST(Explainer, MmapThresholdKnobIsTheReasonEvenAbove32MiB) {
    ExplainContext context;
    context.mmap_threshold_bytes = 1 << 20;
    constexpr std::uint64_t big = 40 << 20;
    Scenario run(Mode::free, big, context);
    const Change big_step{true, 0, 0, 0, 0, big / 4096 + 1};
    const std::string first = run.step(big_step);
    EXPECT_TRUE(has(first, "--mmap-threshold 1.0 MiB")) << first;
    EXPECT_FALSE(has(first, "dynamic mmap threshold never")) << first;
    const std::string second = run.step(big_step);
    EXPECT_TRUE(has(second, "--mmap-threshold fixed the threshold")) << second;
    EXPECT_FALSE(has(second, "only raises the dynamic threshold")) << second;
}

TEST(Explainer, HugePagesFreeModeClaimsNothingUnmeasuredAboutTheThreshold) {
    ExplainContext context;
    context.huge_pages = true;
    constexpr std::uint64_t rounded = 4 << 20;
    Scenario run(Mode::free, rounded, context);
    const Change huge_step{true, 0, 0, 0, 0, 2};
    run.step(huge_step);
    const std::string second = run.step(huge_step);
    EXPECT_TRUE(has(second, "mmap'd again")) << second;
    EXPECT_FALSE(has(second, "did not rise")) << second;
    EXPECT_TRUE(has(second, "mallinfo2 saw a new mapping")) << second;
}

TEST(Explainer, AHeapBlockSpanIsCountedWithItsHeader) {
    ExplainContext context;
    context.mmap_threshold_bytes = 1 << 30;
    Scenario run(Mode::leak, 8192, context);
    const std::string first = run.step(Change{false, 12288, 135168, 135168, 0, 3});
    EXPECT_TRUE(has(first, "8,192 bytes + glibc's 16-byte chunk header span 3 or 4 pages")) << first;
    EXPECT_TRUE(has(first, "below --mmap-threshold 1.0 GiB")) << first;
}

// Records whose max RSS the test sets by hand (Scenario keeps max RSS at or above RSS).
std::vector<std::string> explain_rss(Explainer& explainer, std::uint64_t iteration, std::uint64_t rss,
                                     std::uint64_t maxrss) {
    Record record;
    record.iteration = iteration;
    record.block_bytes = 64;
    record.counters.blocks = iteration;
    record.counters.requested_bytes = 64 * iteration;
    record.sample.rss_bytes = rss;
    record.sample.maxrss_bytes = maxrss;
    return explainer.explain(record);
}

std::string joined(const std::vector<std::string>& notes) {
    std::string text;
    for (const std::string& note : notes) {
        text += note + "\n";
    }
    return text;
}

// live after a resize: its frame buffer, mmap'd by malloc between two samples, raised hblkhd; the block
// itself came from the heap (the workload saw no hblkhd rise across its own malloc).
TEST(Explainer, AnObserversMappingBetweenSamplesIsNotTheBlocksMmap) {
    constexpr std::uint64_t small_block = 64 << 10;
    for (const Mode mode : {Mode::free, Mode::hold, Mode::leak}) {
        SCOPED_TRACE(to_string(mode));
        Scenario run(mode, small_block);
        const std::string notes = run.step(Change{false, 0, 0, 0, 350 << 10, 17});
        EXPECT_FALSE(has(notes, "served by mmap")) << notes;
    }
}

TEST(Explainer, AnUnmappedBlockIsNotKeptInTheHeapWhenRssMovedForOtherReasons) {
    // 128 KiB free mode: mmap'd and unmapped, while the heap's own growth moved RSS by 64 KiB.
    constexpr std::uint64_t threshold_block = 128 << 10;
    Scenario run(Mode::free, threshold_block);
    const std::string first = run.step(Change{true, 64 << 10, 0, 0, 0, 34});
    EXPECT_TRUE(has(first, "served by mmap")) << first;
    EXPECT_FALSE(has(first, "free() kept the memory")) << first;
    EXPECT_TRUE(has(first, "free() unmapped it (munmap)")) << first;
    EXPECT_TRUE(has(first, "other memory grew")) << first;
}

TEST(Explainer, MaxRssBelowRssIsExplainedOnce) {
    Explainer explainer({});
    constexpr std::uint64_t rss = 8 << 20;
    EXPECT_EQ(joined(explain_rss(explainer, 0, rss, rss)), "");
    // statm's exact sum runs ahead of getrusage's per-CPU counters.
    const std::string first = joined(explain_rss(explainer, 1, rss + (120 << 10), rss));
    EXPECT_TRUE(has(first, "reads 120.0 KiB below RSS")) << first;
    EXPECT_TRUE(has(first, "per-CPU counters")) << first;
    EXPECT_FALSE(has(joined(explain_rss(explainer, 2, rss + (200 << 10), rss)), "per-CPU")) << "once";
}

TEST(Explainer, MaxRssNoiseAboveRssIsNoHighWaterNote) {
    Explainer explainer({});
    constexpr std::uint64_t rss = 8 << 20;
    explain_rss(explainer, 0, rss, rss);
    // max RSS 100, then 200 KiB above RSS with 64-byte blocks: counter noise, not memory given back.
    const std::string notes = joined(explain_rss(explainer, 1, rss, rss + (100 << 10))) +
                              joined(explain_rss(explainer, 2, rss - (100 << 10), rss + (100 << 10)));
    EXPECT_FALSE(has(notes, "high-water")) << notes;
}

}  // namespace
}  // namespace leakdemo

namespace leakdemo {
namespace {

// The zoo's notes (explain_scenarios.cpp), each from the figures it names.
TEST(ExplainScenarios, MmapRssClimbsWhileMallocStaysFlat) {
    Scenario run(Mode::mmap);
    const std::string first = run.step(Change{false, mapped, mapped, 0, 0, pages + 1});
    EXPECT_TRUE(has(first, "anonymous mmap is not a malloc")) << first;
    EXPECT_FALSE(has(first, "served by mmap")) << "glibc's path notes are for malloc'd blocks: " << first;
    Scenario heap(Mode::mmap);
    EXPECT_FALSE(has(heap.step(leak_step), "not a malloc")) << "malloc's mmap'd chunks moved: not untracked";
}

TEST(ExplainScenarios, FragmentComparesTheHeapWithWhatIsInUse) {
    Scenario run(Mode::fragment, 256 << 10);
    const std::string first = run.step(Change{false, 4 << 20, 4 << 20, 4 << 20, 0, 1024});
    EXPECT_TRUE(has(first, "the heap holds 4.1 MiB but only 256.0 KiB")) << first;
    // free() cannot hand them back, but malloc_trim can (docs/scenarios.md measures it): never "no page".
    EXPECT_TRUE(has(first, "free() cannot return the free chunks to the OS")) << first;
    EXPECT_TRUE(has(first, "not at the top of the heap")) << first;
    EXPECT_TRUE(has(first, "malloc_trim (--trim) can return the whole free pages between live chunks"))
        << first;
    EXPECT_FALSE(has(first, "no page can be returned")) << first;
    EXPECT_FALSE(has(first, "malloc_trim(0) handed")) << first;

    ExplainContext context;
    context.trim = true;
    Scenario trimmed(Mode::fragment, 256 << 10, context);
    const std::string notes = trimmed.step(Change{false, 1 << 20, 8 << 20, 8 << 20, 0, 2048});
    EXPECT_TRUE(has(notes, "malloc_trim(0) handed the whole free pages")) << notes;
    EXPECT_FALSE(has(notes, "no page can be returned")) << notes;
}

TEST(ExplainScenarios, ArenaTellsAnArenaPerThreadOnlyWhenTheHeapGrewSo) {
    ExplainContext context;
    context.threads = 4;
    Scenario run(Mode::arena, 1 << 20, context);
    const std::string first = run.step(Change{false, 4 << 20, 256 << 20, 4 << 20, 0, 1024});
    EXPECT_TRUE(has(first, "4 threads each malloc'd and freed 1.0 MiB")) << first;
    EXPECT_TRUE(has(first, "an arena of its own")) << first;
    Scenario shared(Mode::arena, 1 << 20, context);
    const std::string one = shared.step(Change{false, 1 << 20, 0, 1 << 20, 0, 256});
    EXPECT_FALSE(has(one, "an arena of its own")) << one;
    EXPECT_TRUE(has(one, "fit in arenas already there")) << one;
}

// The reason follows VSZ, which grows by 64 MiB per new arena, not the heap figures: 4,096,000-byte blocks
// are mmap'd chunks, freed at once, so mallinfo2's arena bytes barely move while 4 arenas appear.
TEST(ExplainScenarios, ArenaCountsNewArenasFromTheVszJump) {
    ExplainContext context;
    context.threads = 4;
    Scenario four(Mode::arena, block, context);
    const std::string jump = four.step(Change{false, 1 << 20, 288 << 20, 200 << 10, 0, 512});
    EXPECT_TRUE(has(jump, "VSZ by +288.0 MiB: each thread's malloc got an arena of its own")) << jump;
    EXPECT_FALSE(has(jump, "already there")) << jump;
    Scenario two(Mode::arena, block, context);
    const std::string some = two.step(Change{false, 1 << 20, 130 << 20, 200 << 10, 0, 512});
    EXPECT_TRUE(has(some, "VSZ by +130.0 MiB: 2 new arenas (64 MiB of address space each)")) << some;
    Scenario none(Mode::arena, block, context);
    const std::string small = none.step(Change{false, 1 << 20, 32 << 20, 16 << 20, 0, 512});
    EXPECT_TRUE(has(small, "fit in arenas already there (VSZ grew by less than the 64 MiB")) << small;
}

TEST(ExplainScenarios, CycleAndCacheSayWhatTheCheckersWillSay) {
    Scenario cycle(Mode::cycle);
    const std::string first = cycle.step(leak_step);
    EXPECT_TRUE(has(first, "own each other")) << first;
    EXPECT_TRUE(has(first, "Indirect leaks")) << first;
    EXPECT_TRUE(cycle.step(leak_step).empty()) << "said once";

    Scenario cache(Mode::cache);
    EXPECT_FALSE(has(cache.step(leak_step) + cache.step(leak_step), "only the trend")) << "too early to tell";
    const std::string third = cache.step(leak_step);
    EXPECT_TRUE(has(third, "only the trend (the verdict) sees a logical leak")) << third;
}

}  // namespace
}  // namespace leakdemo
