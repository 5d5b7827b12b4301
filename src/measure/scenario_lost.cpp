// The scenarios that lose memory on purpose, each in the shape a leak checker names differently:
// indirect (definitely + indirectly lost), interior (possibly lost), cycle (a shared_ptr cycle),
// exception (definitely lost, by unwinding past delete[]).
#include <fmt/format.h>

#include <cstdlib>
#include <exception>
#include <memory>
#include <new>

#include "measure/block_touch.hpp"
#include "measure/scenarios.hpp"
#include "util/error.hpp"

namespace leakdemo {

using detail::launder;

void ScenarioWorkload::touch(void* payload, std::size_t size) const {
    detail::touch_bytes(static_cast<unsigned char*>(payload), size, m_config.touch, m_config.fill);
}

// ---- indirect --------------------------------------------------------------------------------------

namespace {

struct ChainHead {
    void* first = nullptr;
    std::uint64_t nodes = 0;
};
static_assert(sizeof(ChainHead) == IndirectWorkload::head_bytes);

// Builds the chain back to front, so each node is linked as soon as it exists; on a failed malloc what was
// built is freed again and nullptr returned.
void* build_chain(std::uint64_t nodes, std::size_t node_bytes) {
    void* next = nullptr;
    for (std::uint64_t built = 0; built < nodes; ++built) {
        void* node = launder(std::malloc(node_bytes));
        if (node == nullptr) {
            while (next != nullptr) {
                void* after = *static_cast<void**>(next);
                std::free(next);
                next = after;
            }
            return nullptr;
        }
        *static_cast<void**>(node) = next;  // the link: the node's first word
        next = node;
    }
    return next;
}

}  // namespace

bool IndirectWorkload::step() {
    const auto node_size = static_cast<std::size_t>(node_bytes());
    auto* head = static_cast<ChainHead*>(launder(std::malloc(sizeof(ChainHead))));
    if (head == nullptr) {
        return false;
    }
    head->first = build_chain(chain_nodes, node_size);
    if (head->first == nullptr) {
        std::free(head);
        return false;
    }
    head->nodes = chain_nodes;
    // The payload follows each node's link; the link itself must survive the touch.
    for (void* node = head->first; node != nullptr; node = *static_cast<void**>(node)) {
        touch(static_cast<unsigned char*>(node) + sizeof(void*), node_size - sizeof(void*));
    }
    detail::keep_written(head);
    count_block(head_bytes);
    count_lost(head_bytes);
    for (std::uint64_t node = 0; node < chain_nodes; ++node) {
        count_block(node_size);
        count_lost(node_size);
    }
    // The head's only pointer dies here; the nodes are reachable only through the lost head.
    head = nullptr;
    detail::scrub_stack();
    return true;
}

LeakClassification IndirectWorkload::expected_at_exit() const {
    const std::uint64_t chains = m_counters.blocks / (1 + chain_nodes);
    LeakClassification expected;
    expected.definitely_lost_bytes = chains * head_bytes;
    expected.definitely_lost_blocks = chains;
    expected.indirectly_lost_bytes = chains * chain_nodes * node_bytes();
    expected.indirectly_lost_blocks = chains * chain_nodes;
    return expected;
}

// ---- interior --------------------------------------------------------------------------------------

InteriorWorkload::InteriorWorkload(const BlockWorkloadConfig& config) : ScenarioWorkload(config) {
    if (m_config.block_bytes < 2) {
        throw Error(
            "--block-size: interior mode needs blocks of at least 2 bytes (the middle of a 1-byte block is "
            "its start)");
    }
}

bool InteriorWorkload::step() {
    if (!m_interior.reserve_one()) {
        return false;
    }
    const auto size = static_cast<std::size_t>(m_config.block_bytes);
    auto* block = static_cast<unsigned char*>(launder(std::malloc(size)));
    if (block == nullptr) {
        return false;
    }
    touch(block, size);
    // Only a pointer into the middle survives: valgrind calls a block reached only that way "possibly
    // lost"; LeakSanitizer counts any pointer into a block and says nothing.
    m_interior.push(launder(block + size / 2));
    block = nullptr;
    count_block(size);
    m_counters.outstanding_bytes += size;
    detail::scrub_stack();  // no copy of the start may survive in a dead stack slot
    return true;
}

LeakClassification InteriorWorkload::expected_at_exit() const {
    LeakClassification expected;
    expected.possibly_lost_bytes = m_counters.outstanding_bytes;
    expected.possibly_lost_blocks = m_counters.blocks;
    if (m_interior.has_array()) {
        expected.still_reachable_bytes = m_interior.array_bytes();  // the store's own array
        expected.still_reachable_blocks = 1;
    }
    return expected;
}

// ---- cycle -----------------------------------------------------------------------------------------

namespace {

// An allocator that puts `payload` extra bytes behind the object allocate_shared builds, so the control
// block, the object and the payload are one heap block, as make_shared's are, and reports the block's real
// size (which only the library knows: the control block's layout is its own).
template <typename T>
struct PayloadAllocator {
    using value_type = T;
    std::size_t payload = 0;
    std::size_t* allocated_bytes = nullptr;  // where the size of the last allocation is written
    unsigned char** payload_at = nullptr;    // ... and where its payload starts

    PayloadAllocator(std::size_t payload_bytes, std::size_t* allocated, unsigned char** at)
        : payload(payload_bytes), allocated_bytes(allocated), payload_at(at) {}
    template <typename U>
    PayloadAllocator(const PayloadAllocator<U>& other)  // NOLINT: rebinding must be implicit
        : payload(other.payload), allocated_bytes(other.allocated_bytes), payload_at(other.payload_at) {}

    T* allocate(std::size_t count) {
        const std::size_t bytes = count * sizeof(T) + payload;
        auto* block = static_cast<unsigned char*>(launder(std::malloc(bytes)));
        if (block == nullptr) {
            throw std::bad_alloc();
        }
        *allocated_bytes = bytes;
        *payload_at = block + count * sizeof(T);
        return reinterpret_cast<T*>(block);
    }
    void deallocate(T* block, std::size_t /*count*/) { std::free(block); }
    template <typename U>
    bool operator==(const PayloadAllocator<U>& other) const {
        return payload == other.payload;
    }
};

struct CycleNode {
    std::shared_ptr<CycleNode> other;  // the ownership that closes the cycle
};

}  // namespace

std::uint64_t CycleWorkload::shared_block_bytes() const {
    // Before the first step: the payload plus a generous bound on control block + object + allocator.
    return m_measured_block_bytes != 0 ? m_measured_block_bytes : m_config.block_bytes + 256;
}

bool CycleWorkload::step() {
    const auto size = static_cast<std::size_t>(m_config.block_bytes);
    std::size_t allocated = 0;
    unsigned char* payload = nullptr;
    const PayloadAllocator<CycleNode> allocator(size, &allocated, &payload);
    try {
        auto first = std::allocate_shared<CycleNode>(allocator);
        touch(payload, size);
        auto second = std::allocate_shared<CycleNode>(allocator);
        touch(payload, size);
        // Each owns the other: when the two local owners go, both counts stay at 1 for good.
        first->other = second;
        second->other = first;
    } catch (const std::bad_alloc&) {
        return false;  // the first node, if made, was freed with its owner: no cycle yet
    }
    payload = nullptr;
    m_measured_block_bytes = allocated;
    for (int node = 0; node < 2; ++node) {
        count_block(allocated);
        count_lost(allocated);
    }
    detail::scrub_stack();
    return true;
}

LeakClassification CycleWorkload::expected_at_exit() const {
    // valgrind finds each cycle as one clique: its first block definitely lost, the other indirectly.
    const std::uint64_t cycles = m_counters.blocks / 2;
    LeakClassification expected;
    expected.definitely_lost_bytes = cycles * m_measured_block_bytes;
    expected.definitely_lost_blocks = cycles;
    expected.indirectly_lost_bytes = cycles * m_measured_block_bytes;
    expected.indirectly_lost_blocks = cycles;
    return expected;
}

// ---- exception -------------------------------------------------------------------------------------

namespace {

// What interrupts the work between new[] and delete[]. Holds nothing, so throwing it allocates only
// the exception object, which the catch frees again.
struct StepAbandoned final : std::exception {
    const char* what() const noexcept override { return "step abandoned"; }
};

[[gnu::noinline]] void process(unsigned char* block) {
    detail::keep_written(block);
    throw StepAbandoned();
}

}  // namespace

bool ExceptionWorkload::step() {
    const auto size = static_cast<std::size_t>(m_config.block_bytes);
    try {
        auto* block = static_cast<unsigned char*>(launder(new (std::nothrow) unsigned char[size]));
        if (block == nullptr) {
            return false;
        }
        touch(block, size);
        process(block);  // throws: the delete[] below never runs
        delete[] block;
    } catch (const StepAbandoned&) {
        // Caught one frame up, as real code would: the only pointer to the block was in the unwound frame.
    }
    count_block(size);
    count_lost(size);
    detail::scrub_stack();
    return true;
}

LeakClassification ExceptionWorkload::expected_at_exit() const {
    LeakClassification expected;
    expected.definitely_lost_bytes = m_counters.leaked_bytes;
    expected.definitely_lost_blocks = m_counters.blocks;
    return expected;
}

}  // namespace leakdemo
