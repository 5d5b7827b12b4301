#pragma once
// The zoo of leaks (issue 13): one workload per scenario, each behind the same run loop as leak/free/hold.
// docs/scenarios.md tells each one's story; scenario_info.hpp gives the one-line table.

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

#include "measure/reachable_store.hpp"
#include "measure/workload.hpp"

namespace leakdemo {

// What every scenario shares: its settings, its counters, and the touch of a payload.
class ScenarioWorkload : public Workload {
  public:
    explicit ScenarioWorkload(const BlockWorkloadConfig& config) : m_config(config) {}
    const WorkloadCounters& counters() const override { return m_counters; }
    std::uint64_t block_bytes() const override { return m_config.block_bytes; }
    Mode mode() const override { return m_config.mode; }

  protected:
    void touch(void* payload, std::size_t size) const;
    // One more allocation of `bytes` made by the step.
    void count_block(std::uint64_t bytes) {
        m_counters.blocks += 1;
        m_counters.requested_bytes += bytes;
    }
    void count_lost(std::uint64_t bytes) {
        m_counters.outstanding_bytes += bytes;
        m_counters.leaked_bytes += bytes;
    }

    BlockWorkloadConfig m_config;
    WorkloadCounters m_counters;
};

// indirect: a 16-byte head pointing to a chain of `chain_nodes` nodes, each a next pointer followed by the
// block as payload; the head is dropped. valgrind: head definitely, nodes indirectly lost.
class IndirectWorkload final : public ScenarioWorkload {
  public:
    using ScenarioWorkload::ScenarioWorkload;
    static constexpr std::uint64_t head_bytes = 16;
    static constexpr std::uint64_t chain_nodes = 3;
    std::uint64_t node_bytes() const { return sizeof(void*) + m_config.block_bytes; }
    bool step() override;
    std::uint64_t step_bytes() const override { return head_bytes + chain_nodes * node_bytes(); }
    LeakClassification expected_at_exit() const override;
};

// interior: the block's only pointer is moved to its middle (start + size / 2) and kept in a live store.
// valgrind: possibly lost (plus the store's array, still reachable). Needs blocks of at least 2 bytes.
class InteriorWorkload final : public ScenarioWorkload {
  public:
    explicit InteriorWorkload(const BlockWorkloadConfig& config);  // throws Error for a 1-byte block
    bool step() override;
    LeakClassification expected_at_exit() const override;

  private:
    ReachableStore m_interior;  // kept until exit
};

// cycle: two std::shared_ptr objects (allocate_shared: control block, object and payload in one heap
// block) owning each other; the last outside owners are dropped. valgrind: one definitely + one indirectly
// lost block per step.
class CycleWorkload final : public ScenarioWorkload {
  public:
    using ScenarioWorkload::ScenarioWorkload;
    bool step() override;
    // The real size of one allocate_shared block (control block + object + payload), measured at the
    // allocator on the first step; an upper estimate before that.
    std::uint64_t shared_block_bytes() const;
    std::uint64_t step_bytes() const override { return 2 * shared_block_bytes(); }
    LeakClassification expected_at_exit() const override;

  private:
    std::uint64_t m_measured_block_bytes = 0;
};

// exception: new[] the block, then an exception before delete[] (caught by step). valgrind: definitely lost.
class ExceptionWorkload final : public ScenarioWorkload {
  public:
    using ScenarioWorkload::ScenarioWorkload;
    bool step() override;
    LeakClassification expected_at_exit() const override;
};

// cache: every block goes into an ever-growing std::map keyed by iteration that nobody evicts: a logical
// leak, reachable all along and cleared at exit, so no leak checker says a word.
class CacheWorkload final : public ScenarioWorkload {
  public:
    using ScenarioWorkload::ScenarioWorkload;
    ~CacheWorkload() override;
    CacheWorkload(const CacheWorkload&) = delete;
    CacheWorkload& operator=(const CacheWorkload&) = delete;
    bool step() override;
    LeakClassification expected_at_exit() const override { return {}; }
    std::uint64_t release_reachable() override;

  private:
    std::map<std::uint64_t, void*> m_cache;
};

// fragment: the block is cut into chunks of `chunk_bytes` (the last one shorter), all allocated, then every
// chunk but one in `keep_every` freed. The kept chunks pin the pages between the free ones, so RSS stays
// up while the heap's in-use figure falls; --trim calls malloc_trim(0) after the frees. Freed at exit.
class FragmentWorkload final : public ScenarioWorkload {
  public:
    using ScenarioWorkload::ScenarioWorkload;
    ~FragmentWorkload() override;
    FragmentWorkload(const FragmentWorkload&) = delete;
    FragmentWorkload& operator=(const FragmentWorkload&) = delete;
    static constexpr std::uint64_t chunk_bytes = 1024;
    static constexpr std::uint64_t keep_every = 16;
    std::uint64_t chunks_per_step() const { return (m_config.block_bytes + chunk_bytes - 1) / chunk_bytes; }
    bool step() override;
    // All chunks are live at once before the frees, each with glibc's 16-byte chunk header.
    std::uint64_t step_bytes() const override { return m_config.block_bytes + 16 * chunks_per_step(); }
    // The payload bytes of the chunks one step keeps (every keep_every-th, the last one maybe shorter).
    std::uint64_t kept_bytes_per_step() const;
    // A step keeps its kept chunks; the freed ones are a one-time RSS step at most (the next step reuses
    // them).
    VerdictBasis verdict_basis() const override { return {step_bytes(), kept_bytes_per_step()}; }
    LeakClassification expected_at_exit() const override { return {}; }
    std::uint64_t release_reachable() override;

  private:
    void free_all_kept();
    std::vector<void*> m_kept;
    std::vector<std::uint64_t> m_kept_sizes;
};

// arena: `threads` worker threads (started on the first step, joined at exit); each step every worker
// mallocs, touches and frees one block. Each thread's malloc gets its own arena, which keeps the freed
// memory, so RSS ends higher than with one thread. Nothing is lost.
class ArenaWorkload final : public ScenarioWorkload {
  public:
    explicit ArenaWorkload(const BlockWorkloadConfig& config);
    ~ArenaWorkload() override;
    ArenaWorkload(const ArenaWorkload&) = delete;
    ArenaWorkload& operator=(const ArenaWorkload&) = delete;
    bool step() override;
    // Every worker's block is live at the same time.
    std::uint64_t step_bytes() const override { return m_config.threads * m_config.block_bytes; }
    // Nothing is kept: each arena keeps one freed block at most, a one-time step.
    VerdictBasis verdict_basis() const override { return {step_bytes(), 0}; }
    LeakClassification expected_at_exit() const override { return {}; }

  private:
    void start_workers();
    void work();

    std::vector<std::thread> m_workers;
    std::mutex m_mutex;
    std::condition_variable m_wake;
    std::condition_variable m_done;
    std::uint64_t m_generation = 0;
    std::uint64_t m_finished = 0;
    std::uint64_t m_failed = 0;
    bool m_stop = false;
};

// mmap: an anonymous private mapping of the block (whole pages), touched and never unmapped. Not a malloc:
// valgrind and LeakSanitizer see nothing; RSS climbs. The counters count the mappings' whole pages.
class MmapWorkload final : public ScenarioWorkload {
  public:
    using ScenarioWorkload::ScenarioWorkload;
    std::uint64_t mapping_bytes() const;  // the block rounded up to whole pages
    bool step() override;
    std::uint64_t step_bytes() const override { return mapping_bytes(); }
    LeakClassification expected_at_exit() const override;
};

}  // namespace leakdemo
