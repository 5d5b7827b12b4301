#pragma once

#include <cstddef>
#include <cstdint>

namespace leakdemo {

// Pointers kept reachable until the process exits (hold's blocks, interior's pointers into its blocks).
// The pointers live in one malloc'd array that grows geometrically (64 entries, then doubling) and that a
// global table points to: globals are a root for valgrind and LeakSanitizer alike, so everything stored
// stays "still reachable" at exit, even after the store object itself is gone (the run's workload is
// destroyed before main returns). The array is itself one heap block the checkers count as still
// reachable: array_bytes() says how big.
class ReachableStore {
  public:
    ReachableStore() = default;   // allocates nothing
    ~ReachableStore() = default;  // keeps everything: the global table still points to the array
    ReachableStore(const ReachableStore&) = delete;
    ReachableStore& operator=(const ReachableStore&) = delete;

    // Makes room for one more pointer first, so that push() after a successful allocation cannot fail.
    // False when the array could not grow (malloc returned NULL) or the global table is full.
    bool reserve_one();
    void push(void* pointer);  // after reserve_one() returned true

    std::size_t size() const { return m_size; }
    void* at(std::size_t index) const;
    std::uint64_t array_bytes() const { return m_capacity * sizeof(void*); }
    bool has_array() const { return m_capacity > 0; }

    // Frees the array (not what the pointers point to: the caller frees that first) and leaves the table.
    void release();

    static constexpr std::size_t first_capacity = 64;
    static constexpr std::size_t table_slots = 256;

  private:
    std::size_t m_slot = table_slots;  // table_slots: no array yet
    std::size_t m_size = 0;
    std::size_t m_capacity = 0;
};

}  // namespace leakdemo
