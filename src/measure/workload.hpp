#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "measure/reachable_store.hpp"
#include "measure/system_reader.hpp"
#include "util/enum_names.hpp"
#include "util/expected.hpp"

namespace leakdemo {

// What happens to each block after it is touched.
enum class Mode {
    leak,  // the pointer is dropped: the block is unreachable for good (the article, free() commented out)
    free,  // free() right after touching (the article with line 43 restored)
    hold,  // the pointer is kept in a live container until exit: memory grows, valgrind says still reachable
    // The zoo of leaks (issue 13; measure/scenario_info.hpp says what each checker reports for each).
    indirect,   // a small head pointing to a chain of nodes, the head dropped
    interior,   // only a pointer into the middle of the block kept
    cycle,      // shared_ptr objects owning each other, the last outside owner dropped
    exception,  // new[], then an exception before delete[] (caught by the loop)
    cache,      // a logical leak: an ever-growing reachable map, cleared at exit
    fragment,   // many small chunks per block, all but one in N freed
    arena,      // --threads N threads each allocate and free blocks
    mmap,       // anonymous mmap without munmap: invisible to malloc-based checkers
};

// How a block is touched so that the kernel commits (or does not commit) its pages.
enum class Touch {
    all,   // memset every byte with the fill byte (the article's memset(ptr, -1, size))
    page,  // write one byte per 4 KiB page: commits the same pages for far less work
    none,  // do not touch: virtual size grows, resident size does not (lazy commit)
};

template <>
inline constexpr auto enum_names<Mode> =
    std::to_array<std::pair<Mode, std::string_view>>({{Mode::leak, "leak"},
                                                      {Mode::free, "free"},
                                                      {Mode::hold, "hold"},
                                                      {Mode::indirect, "indirect"},
                                                      {Mode::interior, "interior"},
                                                      {Mode::cycle, "cycle"},
                                                      {Mode::exception, "exception"},
                                                      {Mode::cache, "cache"},
                                                      {Mode::fragment, "fragment"},
                                                      {Mode::arena, "arena"},
                                                      {Mode::mmap, "mmap"}});
template <>
inline constexpr auto enum_names<Touch> = std::to_array<std::pair<Touch, std::string_view>>(
    {{Touch::all, "all"}, {Touch::page, "page"}, {Touch::none, "none"}});

// Exact bookkeeping of what the workload did, in bytes.
struct WorkloadCounters {
    std::uint64_t blocks = 0;             // successful allocations
    std::uint64_t requested_bytes = 0;    // sum of all allocations
    std::uint64_t outstanding_bytes = 0;  // allocated and not freed (leaked + held)
    std::uint64_t leaked_bytes = 0;       // allocated, not freed, and no pointer left
    // Blocks glibc served with their own mmap, seen by mallinfo2's hblkhd rising across the malloc call
    // (measured before any free, so --explain can tell mmap from the brk heap even in free mode).
    std::uint64_t mmapped_blocks = 0;
};

// What leakdemo expects each leak checker (valgrind --leak-check=full, LeakSanitizer) to report for the
// workload's state at exit, by construction: payload bytes as the program asked for them (no chunk
// headers), blocks as separate allocations. `untracked_bytes`: memory no malloc-based checker can see
// (anonymous mmap).
struct LeakClassification {
    std::uint64_t definitely_lost_bytes = 0;
    std::uint64_t definitely_lost_blocks = 0;
    std::uint64_t indirectly_lost_bytes = 0;
    std::uint64_t indirectly_lost_blocks = 0;
    std::uint64_t possibly_lost_bytes = 0;
    std::uint64_t possibly_lost_blocks = 0;
    std::uint64_t still_reachable_bytes = 0;
    std::uint64_t still_reachable_blocks = 0;
    std::uint64_t untracked_bytes = 0;
};

// What the verdict needs to know of a workload besides RSS (summary.hpp, verdict_for), by construction:
// `step_bytes`, what one step may allocate, some of it only for a moment (free mode's block, a fragment's
// freed chunks: the size of a one-time RSS step that is no leak), and `retained_bytes`, what one step leaves
// allocated by design (the block for leak/hold, the kept chunks for fragment, nothing for free and arena).
struct VerdictBasis {
    std::uint64_t step_bytes = 0;
    std::uint64_t retained_bytes = 0;
};

// One allocation per step. An interface so that loop tests can script failures without allocating.
class Workload {
  public:
    virtual ~Workload() = default;
    // Allocates, touches and then leaks/frees/holds one block. False when malloc returned NULL.
    virtual bool step() = 0;
    virtual const WorkloadCounters& counters() const = 0;
    virtual std::uint64_t block_bytes() const = 0;
    // The most one step can add to the process's memory (what the guard must allow before the step):
    // the block for leak/free/hold; a chain, a pair of shared blocks, every thread's block... for the zoo.
    virtual std::uint64_t step_bytes() const { return block_bytes(); }
    // What the verdict judges this run's RSS against (see VerdictBasis); `leakdemo live` combines the
    // modes a session used.
    virtual VerdictBasis verdict_basis() const { return {step_bytes(), step_bytes()}; }
    // What the leak checkers should find at exit if the process ended now (after the destructor ran).
    virtual LeakClassification expected_at_exit() const = 0;
    // The mode the next records are produced in (`leakdemo live` switches it between steps).
    virtual Mode mode() const = 0;
    // Frees every block that is still reachable (hold's container, cache's map) and returns the bytes
    // freed, with the counters updated; 0 for a mode that keeps nothing reachable (live's `r` key).
    virtual std::uint64_t release_reachable() { return 0; }
};

struct BlockWorkloadConfig {
    Mode mode = Mode::leak;
    Touch touch = Touch::all;
    std::uint64_t block_bytes = 4096000;
    unsigned char fill = 0xFF;
    // Allocator knobs for classroom experiments (--mmap-threshold, --trim).
    std::optional<std::uint64_t> mmap_threshold_bytes{};  // mallopt(M_MMAP_THRESHOLD) once, at construction
    bool trim = false;                                    // malloc_trim(0) after each free()
    // --huge-pages: each block is 2 MiB-aligned, its size rounded up to a multiple of 2 MiB, and
    // madvise(MADV_HUGEPAGE)d, so one page fault maps 2 MiB instead of 4 KiB (Linux THP only).
    bool huge_pages = false;
    // --threads: arena mode's worker threads (1..max_threads).
    std::uint64_t threads = 1;
};

// --threads' range (arena mode).
inline constexpr std::uint64_t max_threads = 64;

// glibc's largest M_MMAP_THRESHOLD on 64-bit (HEAP_MAX_SIZE / 2). Blocks above it are always mmap'd: their
// free() never raises the dynamic threshold.
inline constexpr std::uint64_t max_mmap_threshold_bytes = std::uint64_t{32} << 20;

// A transparent huge page on x86-64 and arm64 (4 KiB base pages).
inline constexpr std::uint64_t huge_page_bytes = std::uint64_t{2} << 20;
// Where Linux publishes its THP policy: "always [madvise] never", the bracketed word is in force.
inline constexpr std::string_view thp_enabled_path = "/sys/kernel/mm/transparent_hugepage/enabled";

// The bracketed word of a THP policy file ("always [madvise] never" -> "madvise"); nullopt if none.
std::optional<std::string_view> parse_thp_mode(std::string_view text);

// Whether --huge-pages can work on this machine; the failure says why not (THP `never`, or no THP at all).
// The policy file (thp_enabled_path) is read through `system`, so tests can hand it any text.
Status check_huge_pages(const SystemReader& system = live_system_reader());

// The block size --huge-pages really allocates: rounded up to a multiple of 2 MiB.
std::uint64_t huge_block_bytes(std::uint64_t block_bytes);

// The article's malloc/memset/free loop body, written so the optimiser cannot delete or fold it.
class BlockWorkload final : public Workload {
  public:
    explicit BlockWorkload(BlockWorkloadConfig config);  // throws Error when mallopt refuses the threshold
    ~BlockWorkload() override = default;  // hold's blocks stay reachable until exit (ReachableStore)
    BlockWorkload(const BlockWorkload&) = delete;
    BlockWorkload& operator=(const BlockWorkload&) = delete;

    // Throws Error when --huge-pages cannot madvise the block (the block is freed first).
    bool step() override;
    const WorkloadCounters& counters() const override { return m_counters; }
    // With huge pages: the rounded size, so the counters match what RSS really gains.
    std::uint64_t block_bytes() const override { return m_config.block_bytes; }
    LeakClassification expected_at_exit() const override;
    Mode mode() const override { return m_config.mode; }
    std::uint64_t release_reachable() override;  // hold: frees the held blocks and their array
    // Leak and hold keep the block; free gives it back (a one-time RSS step at most).
    VerdictBasis verdict_basis() const override;

  private:
    void* allocate(std::size_t size);

    BlockWorkloadConfig m_config;
    WorkloadCounters m_counters;
    ReachableStore m_held;  // hold mode only: kept until exit, so valgrind calls it still reachable
};

}  // namespace leakdemo
