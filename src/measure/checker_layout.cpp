#include "measure/checker_layout.hpp"

#include <sys/mman.h>
#include <sys/resource.h>

#include <cstdlib>
#include <cstring>

namespace leakdemo {
namespace {

constexpr std::uint64_t reserve_granule = std::uint64_t{1} << 20;
// Below this the kernel refuses mappings (vm.mmap_min_addr) and valgrind keeps the executable.
constexpr std::uint64_t reserve_start = std::uint64_t{1} << 20;

// One hinted, non-fixed mmap: the kernel (or valgrind) uses the hint only when the whole range is free, so an
// occupied range is never replaced; a mapping placed elsewhere is given back at once.
bool map_reservation(std::uint64_t address, std::uint64_t length) {
    void* hint =
        reinterpret_cast<void*>(address);  // NOLINT(performance-no-int-to-ptr): an address to ask for
    void* placed = ::mmap(hint, length, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (placed == MAP_FAILED) {
        return false;
    }
    if (placed != hint) {
        ::munmap(placed, length);
        return false;
    }
    return true;
}

bool address_space_is_limited() {
    rlimit limit{};
    return ::getrlimit(RLIMIT_AS, &limit) == 0 && limit.rlim_cur != RLIM_INFINITY;
}

}  // namespace

bool preloads_memcheck(const char* ld_preload) {
    return ld_preload != nullptr && std::strstr(ld_preload, "/vgpreload_memcheck-") != nullptr;
}

std::uint64_t reserve_free_ranges(std::uint64_t low, std::uint64_t high, std::uint64_t granule,
                                  const ReserveRange& reserve) {
    if (high <= low) {
        return 0;
    }
    const std::uint64_t length = high - low;
    if (reserve(low, length)) {
        return length;
    }
    if (length <= granule) {
        return 0;  // partly taken: smaller than any block valgrind would place here
    }
    // Split at a granule boundary near the middle, so both halves stay aligned.
    std::uint64_t middle = (low + length / 2) / granule * granule;
    if (middle <= low) {
        middle = low + granule;
    }
    return reserve_free_ranges(low, middle, granule, reserve) +
           reserve_free_ranges(middle, high, granule, reserve);
}

std::uint64_t keep_blocks_clear_of_small_integers() {
    // A finite RLIMIT_AS counts PROT_NONE reservations: they would take the room the run's blocks need.
    if (!preloads_memcheck(std::getenv("LD_PRELOAD")) || address_space_is_limited()) {
        return 0;
    }
    return reserve_free_ranges(reserve_start, memcheck_block_floor, reserve_granule, map_reservation) +
           reserve_free_ranges(memcheck_block_ceiling, memcheck_reserve_top, reserve_granule,
                               map_reservation);
}

}  // namespace leakdemo
