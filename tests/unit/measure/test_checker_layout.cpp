// Under valgrind's memcheck leakdemo reserves the free address space below memcheck_block_floor, so no small
// integer in memory can look like a pointer into a leaked block. The halving search runs here on a fake
// address space; the effect on valgrind's figures is tested end to end (tests/e2e/test_leak_checkers.py).
#include <gtest/gtest.h>

#include <cstdint>
#include <cstdlib>
#include <utility>
#include <vector>

#include "measure/checker_layout.hpp"

namespace leakdemo {
namespace {

constexpr std::uint64_t mib = std::uint64_t{1} << 20;

// An address space with some ranges taken: a request succeeds only if it overlaps none of them (as a hinted,
// non-fixed mmap does), and then takes its range too.
struct FakeAddressSpace {
    std::vector<std::pair<std::uint64_t, std::uint64_t>> taken;  // [begin, end)
    int requests = 0;

    bool reserve(std::uint64_t address, std::uint64_t length) {
        ++requests;
        for (const auto& [begin, end] : taken) {
            if (address < end && begin < address + length) {
                return false;
            }
        }
        taken.emplace_back(address, address + length);
        return true;
    }
    ReserveRange reserver() {
        return [this](std::uint64_t address, std::uint64_t length) { return reserve(address, length); };
    }
};

TEST(PreloadsMemcheck, RecognisesValgrindsPreloadOnly) {
    EXPECT_TRUE(
        preloads_memcheck("/usr/libexec/valgrind/vgpreload_core-amd64-linux.so:"
                          "/usr/libexec/valgrind/vgpreload_memcheck-amd64-linux.so"));
    EXPECT_FALSE(preloads_memcheck(nullptr));
    EXPECT_FALSE(preloads_memcheck(""));
    EXPECT_FALSE(preloads_memcheck("/usr/lib/x86_64-linux-gnu/liblsan.so.0"));
    // Another valgrind tool (massif, helgrind) does no leak scan.
    EXPECT_FALSE(
        preloads_memcheck("/usr/libexec/valgrind/vgpreload_core-amd64-linux.so:"
                          "/usr/libexec/valgrind/vgpreload_massif-amd64-linux.so"));
}

TEST(ReserveFreeRanges, AnEmptySpaceIsReservedInOneRequest) {
    FakeAddressSpace space;
    EXPECT_EQ(reserve_free_ranges(mib, 1024 * mib, mib, space.reserver()), 1023 * mib);
    EXPECT_EQ(space.requests, 1);
}

TEST(ReserveFreeRanges, EveryFreeGranuleAroundTakenRangesIsReserved) {
    FakeAddressSpace space;
    // Libraries at 64..80 MiB and something at 300 MiB + 4 KiB (not granule-aligned).
    space.taken = {{64 * mib, 80 * mib}, {300 * mib + 4096, 300 * mib + 8192}};
    const std::uint64_t reserved = reserve_free_ranges(mib, 1024 * mib, mib, space.reserver());
    // All but the taken 16 MiB and the one granule that holds the unaligned mapping.
    EXPECT_EQ(reserved, (1023 - 16 - 1) * mib);
    // No free granule is left: a 1 MiB request anywhere else now fails.
    for (std::uint64_t address = mib; address < 1024 * mib; address += mib) {
        const bool inside_taken = (address >= 64 * mib && address < 80 * mib) || address == 300 * mib;
        if (!inside_taken) {
            EXPECT_FALSE(space.reserve(address, mib)) << address / mib << " MiB is still free";
        }
    }
    // The halving stays cheap: logarithmic in the range per taken boundary, not one request per granule.
    EXPECT_LT(space.requests, 1024 + 100);
}

TEST(ReserveFreeRanges, AFullyTakenRangeReservesNothing) {
    FakeAddressSpace space;
    space.taken = {{0, 2048 * mib}};
    EXPECT_EQ(reserve_free_ranges(mib, 1024 * mib, mib, space.reserver()), 0U);
    EXPECT_EQ(reserve_free_ranges(5 * mib, 5 * mib, mib, space.reserver()), 0U);
}

TEST(KeepBlocksClear, DoesNothingNatively) {
    // The unit tests do not run under memcheck (valgrind runs only the e2e matrix): no reservation.
    if (preloads_memcheck(std::getenv("LD_PRELOAD"))) {
        GTEST_SKIP() << "running under memcheck";
    }
    EXPECT_EQ(keep_blocks_clear_of_small_integers(), 0U);
}

TEST(MemcheckBlockFloor, LiesAboveEverySmallIntegerPair) {
    // The floor's high 32 bits are 8 and its low 32 bits 2^31: a word pointing there is no 32-bit value and
    // no pair of 32-bit values with a high half below 8.
    EXPECT_EQ(memcheck_block_floor >> 32, 8U);
    EXPECT_EQ(memcheck_block_floor & 0xFFFFFFFFU, 0x80000000U);
}

TEST(MemcheckBlockFloor, VszReadsAboveEveryBlock) {
    // VSZ includes the reservation below the floor (nearly all of it) and the one above the ceiling, so even
    // a VSZ figure with none of the rest reads above the highest address a block can have.
    const std::uint64_t least_vsz =
        memcheck_block_floor - (std::uint64_t{1} << 30) + (memcheck_reserve_top - memcheck_block_ceiling);
    EXPECT_GT(least_vsz, memcheck_block_ceiling);
}

}  // namespace
}  // namespace leakdemo
