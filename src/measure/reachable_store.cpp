#include "measure/reachable_store.hpp"

#include <array>
#include <cstdlib>

namespace leakdemo {
namespace {

// The root: a constant-initialised global (in .bss), which both checkers scan at exit. Each slot points to
// one store's array; a released store's slot is free again.
std::array<void**, ReachableStore::table_slots> g_kept_until_exit{};

}  // namespace

bool ReachableStore::reserve_one() {
    if (m_size < m_capacity) {
        return true;
    }
    std::size_t slot = m_slot;
    if (slot == table_slots) {
        slot = 0;
        while (slot < table_slots && g_kept_until_exit[slot] != nullptr) {
            ++slot;
        }
        if (slot == table_slots) {
            return false;
        }
    }
    const std::size_t capacity = m_capacity == 0 ? first_capacity : 2 * m_capacity;
    // realloc keeps the stored pointers; the table is updated at once, so no pointer is ever unrooted.
    void* grown = std::realloc(g_kept_until_exit[slot], capacity * sizeof(void*));
    if (grown == nullptr) {
        return false;
    }
    m_slot = slot;
    g_kept_until_exit[m_slot] = static_cast<void**>(grown);
    m_capacity = capacity;
    return true;
}

void ReachableStore::push(void* pointer) {
    g_kept_until_exit[m_slot][m_size] = pointer;
    ++m_size;
}

void* ReachableStore::at(std::size_t index) const {
    return g_kept_until_exit[m_slot][index];
}

void ReachableStore::release() {
    if (m_slot == table_slots) {
        return;
    }
    std::free(g_kept_until_exit[m_slot]);
    g_kept_until_exit[m_slot] = nullptr;
    m_slot = table_slots;
    m_size = 0;
    m_capacity = 0;
}

}  // namespace leakdemo
