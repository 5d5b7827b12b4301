// The scenarios where the allocator, not the program, keeps the memory or never sees it: arena (one malloc
// arena per thread) and mmap (anonymous mappings no malloc-based checker tracks).
#include <fmt/format.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstdlib>
#include <system_error>

#include "measure/block_touch.hpp"
#include "measure/scenarios.hpp"
#include "util/error.hpp"

namespace leakdemo {

using detail::launder;

// ---- arena -----------------------------------------------------------------------------------------

ArenaWorkload::ArenaWorkload(const BlockWorkloadConfig& config) : ScenarioWorkload(config) {
    if (m_config.threads < 1 || m_config.threads > max_threads) {
        throw Error(fmt::format("--threads: {} is out of range (1 to {})", m_config.threads, max_threads));
    }
}

ArenaWorkload::~ArenaWorkload() {
    {
        const std::lock_guard lock(m_mutex);
        m_stop = true;
    }
    m_wake.notify_all();
    for (std::thread& worker : m_workers) {
        worker.join();  // never leave a thread running
    }
}

void ArenaWorkload::start_workers() {
    // On the first step, not in the constructor: a thread's stack is memory, and the baseline comes first.
    try {
        for (std::uint64_t index = 0; index < m_config.threads; ++index) {
            m_workers.emplace_back([this] { work(); });
        }
    } catch (const std::system_error& error) {
        throw Error(fmt::format("--threads: cannot start thread {} of {}: {}", m_workers.size() + 1,
                                m_config.threads, error.what()));
    }
}

// One worker: waits for the next step, then mallocs, touches and frees one block in its own arena.
void ArenaWorkload::work() {
    const auto size = static_cast<std::size_t>(m_config.block_bytes);
    std::uint64_t seen = 0;
    for (;;) {
        {
            std::unique_lock lock(m_mutex);
            m_wake.wait(lock, [&] { return m_stop || m_generation != seen; });
            if (m_stop) {
                return;
            }
            seen = m_generation;
        }
        void* block = launder(std::malloc(size));
        if (block != nullptr) {
            touch(block, size);
            std::free(launder(block));
        }
        {
            const std::lock_guard lock(m_mutex);
            m_finished += 1;
            m_failed += block == nullptr ? 1 : 0;
        }
        m_done.notify_one();
    }
}

bool ArenaWorkload::step() {
    if (m_workers.empty()) {
        start_workers();
    }
    std::uint64_t failed = 0;
    {
        std::unique_lock lock(m_mutex);
        m_finished = 0;
        m_failed = 0;
        m_generation += 1;
        m_wake.notify_all();
        m_done.wait(lock, [&] { return m_finished == m_workers.size(); });
        failed = m_failed;
    }
    for (std::uint64_t worker = failed; worker < m_workers.size(); ++worker) {
        count_block(m_config.block_bytes);
    }
    return failed == 0;
}

// ---- mmap ------------------------------------------------------------------------------------------

std::uint64_t MmapWorkload::mapping_bytes() const {
    const auto page = static_cast<std::uint64_t>(::sysconf(_SC_PAGESIZE));
    return (m_config.block_bytes + page - 1) / page * page;
}

bool MmapWorkload::step() {
    const auto size = static_cast<std::size_t>(mapping_bytes());
    void* mapping = ::mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (mapping == MAP_FAILED) {
        return false;
    }
    touch(mapping, static_cast<std::size_t>(m_config.block_bytes));
    // No munmap, and the address is dropped: the pages stay mapped until exit, and no malloc-based checker
    // ever heard of them. Counted as mapped, in whole pages (a 1-byte block costs a 4 KiB page), so the
    // guard sees what the kernel really has to back.
    count_block(size);
    count_lost(size);
    m_counters.mmapped_blocks += 1;
    return true;
}

LeakClassification MmapWorkload::expected_at_exit() const {
    LeakClassification expected;
    expected.untracked_bytes = m_counters.leaked_bytes;
    return expected;
}

}  // namespace leakdemo
