#pragma once
// Internal to the workloads (measure/workload.cpp, measure/scenario_*.cpp): how a block is written so that
// the optimiser can neither delete nor fold the work (MEMORY-FACTS.md, "The compiler will delete your demo").

#include <cstddef>
#include <cstring>

#include "measure/workload.hpp"

namespace leakdemo::detail {

inline constexpr std::size_t touch_page_bytes = 4096;

// Hides where a pointer came from. Without this GCC folds malloc + memset(0) into calloc (which commits
// nothing) and, with the free() that follows, deletes malloc/memset/free outright.
inline void* launder(void* pointer) {
    asm volatile("" : "+r"(pointer));
    return pointer;
}

// Tells the compiler the bytes behind `pointer` are read by someone: the stores must happen.
inline void keep_written(void* pointer) {
    asm volatile("" : : "r"(pointer) : "memory");
}

// Writes `size` bytes at `block` as --touch says: every byte, one per 4 KiB page (and the last), or none.
inline void touch_bytes(unsigned char* block, std::size_t size, Touch policy, unsigned char fill) {
    switch (policy) {
        case Touch::all:
            std::memset(block, fill, size);
            break;
        case Touch::page:
            // One write per page commits the page as fully as a memset of all of it.
            for (std::size_t offset = 0; offset < size; offset += touch_page_bytes) {
                block[offset] = fill;
            }
            if (size > 0) {
                block[size - 1] = fill;
            }
            break;
        case Touch::none:
            break;
    }
    keep_written(block);
}

// Overwrites the stack just below the caller with zeros. A leak checker scans the stack conservatively: a
// dead copy of a pointer that a step left in a spill slot or a callee's frame would make a lost block
// "still reachable" (or an interior copy "possibly lost") if a later frame, live at exit, reused that slot
// without writing it. Each scenario that loses blocks on purpose calls this after the step's last use of
// its pointers, so the checkers' answer does not depend on what the optimiser left behind.
void scrub_stack();

}  // namespace leakdemo::detail
