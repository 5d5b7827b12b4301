// The scenarios where nothing is lost and memory still stays: cache (a logical leak, reachable until it is
// cleared at exit) and fragment (freed chunks the allocator cannot hand back between live ones).
#include <malloc.h>

#include <algorithm>
#include <cstdlib>
#include <new>

#include "measure/block_touch.hpp"
#include "measure/scenarios.hpp"

namespace leakdemo {

using detail::launder;

// ---- cache -----------------------------------------------------------------------------------------

CacheWorkload::~CacheWorkload() {
    release_reachable();  // "cleared at exit": no checker has anything to say
}

bool CacheWorkload::step() {
    const auto size = static_cast<std::size_t>(m_config.block_bytes);
    void* block = launder(std::malloc(size));
    if (block == nullptr) {
        return false;
    }
    touch(block, size);
    try {
        // Keyed by the request that filled it, never looked up again, never evicted.
        m_cache.emplace(m_counters.blocks, block);
    } catch (const std::bad_alloc&) {
        std::free(block);
        return false;
    }
    count_block(size);
    m_counters.outstanding_bytes += size;
    return true;
}

std::uint64_t CacheWorkload::release_reachable() {
    for (auto& [key, block] : m_cache) {
        std::free(block);
    }
    m_cache.clear();
    const std::uint64_t freed = m_counters.outstanding_bytes;
    m_counters.outstanding_bytes = 0;
    return freed;
}

// ---- fragment --------------------------------------------------------------------------------------

FragmentWorkload::~FragmentWorkload() {
    free_all_kept();
}

void FragmentWorkload::free_all_kept() {
    for (void* chunk : m_kept) {
        std::free(chunk);
    }
    m_kept.clear();
    m_kept_sizes.clear();
}

std::uint64_t FragmentWorkload::kept_bytes_per_step() const {
    // Chunks 0, keep_every, 2 x keep_every ... are kept; all are chunk_bytes but the block's last chunk.
    const std::uint64_t chunks = chunks_per_step();
    if (chunks == 0) {
        return 0;
    }
    const std::uint64_t keeps = (chunks + keep_every - 1) / keep_every;
    const std::uint64_t last = chunks - 1;
    const std::uint64_t last_bytes = m_config.block_bytes - last * chunk_bytes;
    return last % keep_every == 0 ? (keeps - 1) * chunk_bytes + last_bytes : keeps * chunk_bytes;
}

bool FragmentWorkload::step() {
    const std::uint64_t chunks = chunks_per_step();
    const std::uint64_t keeps = (chunks + keep_every - 1) / keep_every;
    try {
        // Room for this step's kept chunks first (geometrically), so no growth can fail half-way.
        if (m_kept.capacity() < m_kept.size() + keeps) {
            const std::size_t wanted = std::max(m_kept.size() + keeps, 2 * m_kept.capacity());
            m_kept.reserve(wanted);
            m_kept_sizes.reserve(wanted);
        }
    } catch (const std::bad_alloc&) {
        return false;
    }
    // Every chunk of the block is allocated before any is freed, so they lie side by side in the heap.
    // The chunks to free are chained through their own first word: no list of them is allocated.
    void* to_free = nullptr;
    std::uint64_t kept_bytes = 0;
    bool failed = false;
    for (std::uint64_t index = 0; index < chunks; ++index) {
        const std::uint64_t size =
            index + 1 < chunks ? chunk_bytes : m_config.block_bytes - index * chunk_bytes;
        void* chunk = launder(std::malloc(static_cast<std::size_t>(size)));
        if (chunk == nullptr) {
            failed = true;
            break;
        }
        touch(chunk, static_cast<std::size_t>(size));
        count_block(size);
        if (index % keep_every == 0) {
            m_kept.push_back(chunk);
            m_kept_sizes.push_back(size);
            kept_bytes += size;
        } else if (size < sizeof(void*)) {
            std::free(chunk);  // too small to carry the link: a few bytes, freed at once
        } else {
            *static_cast<void**>(chunk) = to_free;
            to_free = chunk;
        }
    }
    while (to_free != nullptr) {
        void* next = *static_cast<void**>(to_free);
        std::free(to_free);
        to_free = next;
    }
    m_counters.outstanding_bytes += kept_bytes;
    if (m_config.trim) {
        ::malloc_trim(0);  // hands back every whole free page inside the heap, not only its top
    }
    return !failed;
}

std::uint64_t FragmentWorkload::release_reachable() {
    free_all_kept();
    const std::uint64_t freed = m_counters.outstanding_bytes;
    m_counters.outstanding_bytes = 0;
    return freed;
}

}  // namespace leakdemo
