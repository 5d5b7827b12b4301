#include "measure/workload.hpp"

#include <malloc.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#if defined(__linux__)
#include <sys/mman.h>
#endif

#include <fmt/format.h>

#include "measure/block_touch.hpp"
#include "util/error.hpp"

namespace leakdemo {

namespace detail {

// Out of line and never inlined, so its frame lies where the callee frames of a step just were.
[[gnu::noinline]] void scrub_stack() {
    unsigned char area[16384];
    ::explicit_bzero(area, sizeof area);  // a memset the optimiser may not remove (glibc >= 2.25)
}

}  // namespace detail

namespace {

using detail::launder;

// Bytes glibc holds in mmap'd chunks right now; 0 without mallinfo2 (glibc < 2.33).
std::uint64_t mmapped_heap_bytes() {
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 33))
    return ::mallinfo2().hblkhd;
#else
    return 0;
#endif
}

}  // namespace

std::optional<std::string_view> parse_thp_mode(std::string_view text) {
    const auto open = text.find('[');
    const auto close = text.find(']', open == std::string_view::npos ? 0 : open);
    if (open == std::string_view::npos || close == std::string_view::npos || close == open + 1) {
        return std::nullopt;
    }
    return text.substr(open + 1, close - open - 1);
}

Status check_huge_pages(const SystemReader& system) {
#if defined(__linux__) && defined(MADV_HUGEPAGE)
    // Read once, before anything is allocated; the file is one short line.
    const std::string path(thp_enabled_path);
    const auto text = system.read_file(path);
    if (!text) {
        return Status::fail(
            fmt::format("this kernel has no transparent huge pages ({}: {})", path, text.error()));
    }
    const auto mode = parse_thp_mode(*text);
    if (!mode) {
        return Status::fail(fmt::format("cannot read the transparent huge page mode from {}", path));
    }
    if (*mode == "never") {
        return Status::fail(fmt::format(
            "transparent huge pages are disabled ({} is [never]; as root: echo madvise > {})", path, path));
    }
    // `always` and `madvise` both honour madvise(MADV_HUGEPAGE).
    return success();
#else
    (void)system;
    return Status::fail("transparent huge pages need Linux (madvise MADV_HUGEPAGE)");
#endif
}

std::uint64_t huge_block_bytes(std::uint64_t block_bytes) {
    return (block_bytes + huge_page_bytes - 1) / huge_page_bytes * huge_page_bytes;
}

BlockWorkload::BlockWorkload(BlockWorkloadConfig config) : m_config(config) {
    if (m_config.mode != Mode::leak && m_config.mode != Mode::free && m_config.mode != Mode::hold) {
        throw Error(fmt::format("BlockWorkload runs leak, free and hold, not {}", to_string(m_config.mode)));
    }
    if (m_config.huge_pages) {
        m_config.block_bytes = huge_block_bytes(m_config.block_bytes);
    }
    // Setting the threshold by hand also switches glibc's dynamic threshold off (mallopt(3)).
    if (m_config.mmap_threshold_bytes &&
        ::mallopt(M_MMAP_THRESHOLD, static_cast<int>(*m_config.mmap_threshold_bytes)) == 0) {
        throw Error(
            fmt::format("--mmap-threshold: mallopt(M_MMAP_THRESHOLD, {}) failed (is malloc replaced, e.g. "
                        "by a sanitizer?)",
                        *m_config.mmap_threshold_bytes));
    }
}

bool BlockWorkload::step() {
    const auto size = static_cast<std::size_t>(m_config.block_bytes);
    if (m_config.mode == Mode::hold) {
        // Grow the container first (geometrically), so its own growth cannot fail after the block exists.
        if (!m_held.reserve_one()) {
            return false;
        }
    }
    const std::uint64_t mmapped_before = mmapped_heap_bytes();
    void* raw = launder(allocate(size));
    if (raw == nullptr) {
        return false;
    }
    if (mmapped_heap_bytes() >= mmapped_before + m_config.block_bytes) {
        m_counters.mmapped_blocks += 1;
    }
    detail::touch_bytes(static_cast<unsigned char*>(raw), size, m_config.touch, m_config.fill);

    m_counters.blocks += 1;
    m_counters.requested_bytes += m_config.block_bytes;
    switch (m_config.mode) {
        case Mode::leak:
            // The only pointer to the block goes out of scope here: unreachable for good.
            m_counters.outstanding_bytes += m_config.block_bytes;
            m_counters.leaked_bytes += m_config.block_bytes;
            break;
        case Mode::free:
            std::free(launder(raw));
            if (m_config.trim) {
                ::malloc_trim(0);  // give the heap's free top (and free pages inside it) back to the OS
            }
            break;
        case Mode::hold:
            m_held.push(raw);
            m_counters.outstanding_bytes += m_config.block_bytes;
            break;
        default:  // the scenarios have their own workloads (make_workload); the constructor refused them
            break;
    }
    return true;
}

LeakClassification BlockWorkload::expected_at_exit() const {
    LeakClassification expected;
    if (m_config.mode == Mode::leak) {
        expected.definitely_lost_bytes = m_counters.leaked_bytes;
        expected.definitely_lost_blocks = m_counters.blocks;
    } else if (m_config.mode == Mode::hold && m_held.has_array()) {
        // The held blocks and the array that points to them (one more block, reachable from a global).
        expected.still_reachable_bytes = m_counters.outstanding_bytes + m_held.array_bytes();
        expected.still_reachable_blocks = m_held.size() + 1;
    }
    return expected;
}

VerdictBasis BlockWorkload::verdict_basis() const {
    return {m_config.block_bytes, m_config.mode == Mode::free ? 0 : m_config.block_bytes};
}

std::uint64_t BlockWorkload::release_reachable() {
    if (m_config.mode != Mode::hold) {
        return 0;
    }
    for (std::size_t index = 0; index < m_held.size(); ++index) {
        std::free(m_held.at(index));
    }
    const std::uint64_t freed = m_counters.outstanding_bytes;
    m_counters.outstanding_bytes = 0;
    m_held.release();
    return freed;
}

void* BlockWorkload::allocate(std::size_t size) {
    if (!m_config.huge_pages) {
        return std::malloc(size);
    }
#if defined(__linux__) && defined(MADV_HUGEPAGE)
    // Still the C heap (posix_memalign), so valgrind, ASan and mallinfo2 see the block like any other;
    // only its placement changes: a huge page can back a 2 MiB range only if the range is 2 MiB-aligned.
    void* block = nullptr;
    if (::posix_memalign(&block, static_cast<std::size_t>(huge_page_bytes), size) != 0) {
        return nullptr;
    }
    if (::madvise(block, size, MADV_HUGEPAGE) != 0) {
        const int error = errno;
        std::free(block);
        throw Error(fmt::format("--huge-pages: madvise(MADV_HUGEPAGE) failed: {}", std::strerror(error)));
    }
    return block;
#else
    (void)size;
    throw Error("--huge-pages: transparent huge pages need Linux");
#endif
}

}  // namespace leakdemo
