#pragma once

#include <cstdint>
#include <functional>
#include <string_view>

namespace leakdemo {

// Why this exists (docs/leak-checkers.md): valgrind's memcheck finds leaks by a conservative scan. Every
// aligned word of writable memory that equals an address inside a block counts as a pointer to it. Under
// valgrind the client heap starts just above the shared libraries (~80 MiB), and writable memory is full of
// integers that small: ld.so keeps the 28-bit ELF hash of every symbol version each library defines or needs
// (0x056bafd3 is "CXXABI_1.3", 0x09691a75 "GLIBC_2.2.5"), and pairs of 32-bit integers whose high half is
// small (0x1'00000002) cover the first few GiB. A leaked block that spans one of those values is "possibly
// lost" instead of "definitely lost", for no fault of the program. Natively the heap lies at 0x55.../0x7f...,
// out of reach of such values, so nothing is done there.

// Where leakdemo makes valgrind put the blocks when memcheck runs it: it reserves the free address space
// below memcheck_block_floor and from memcheck_block_ceiling to memcheck_reserve_top, so every later block
// lands between the two.
// - The floor, 34 GiB, is above every 32-bit integer and every pair of 32-bit integers whose high half is
//   below 8, and the low half of the first block's address is 2^31 (not a small count or a hash).
// - The reservation counts in VSZ, so the process's VSZ in bytes, which the sampler keeps, would read like
//   an address just above the floor, inside the blocks. The 16 GiB above the ceiling lift VSZ above the
//   ceiling, out of the blocks' range, for any leak that fits between floor and ceiling (14 GiB).
// valgrind 3.19 on amd64 gives its client the space up to 64 GiB; the rest it keeps for itself.
inline constexpr std::uint64_t memcheck_block_floor = std::uint64_t{34} << 30;
inline constexpr std::uint64_t memcheck_block_ceiling = std::uint64_t{48} << 30;
inline constexpr std::uint64_t memcheck_reserve_top = std::uint64_t{64} << 30;

// Whether this process runs under valgrind's memcheck: valgrind preloads vgpreload_memcheck-<arch>.so into
// it and says so in LD_PRELOAD. nullptr (no LD_PRELOAD) is false.
bool preloads_memcheck(const char* ld_preload);

// Asks for [address, address + length) as an inaccessible reservation and reports whether it got exactly
// that range (a refused or displaced mapping is undone by the callee).
using ReserveRange = std::function<bool(std::uint64_t address, std::uint64_t length)>;

// Reserves, through `reserve`, every free part of [low, high) that is at least `granule` bytes long and
// granule-aligned: a range that cannot be had whole is halved at a granule boundary and tried again.
// Returns the bytes reserved. low, high and granule must be multiples of the page size.
std::uint64_t reserve_free_ranges(std::uint64_t low, std::uint64_t high, std::uint64_t granule,
                                  const ReserveRange& reserve);

// Under memcheck (and without an RLIMIT_AS the reservation would eat into), reserves the free address space
// outside [memcheck_block_floor, memcheck_block_ceiling) up to memcheck_reserve_top with PROT_NONE,
// MAP_NORESERVE mappings: no memory, no commit, no RSS; VSZ grows once, before the baseline sample.
// Returns the bytes reserved; 0 natively.
std::uint64_t keep_blocks_clear_of_small_integers();

}  // namespace leakdemo
