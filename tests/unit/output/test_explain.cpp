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
    EXPECT_TRUE(has(first, "frees held blocks at exit")) << first;
    EXPECT_FALSE(has(first, "definitely lost")) << first;
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

}  // namespace
}  // namespace leakdemo
