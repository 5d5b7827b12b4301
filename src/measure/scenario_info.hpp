#pragma once

#include <array>
#include <string_view>

#include "measure/workload.hpp"

namespace leakdemo {

// How LeakSanitizer's two kinds map onto the figures leakdemo expects (valgrind's categories): its
// "Direct leak" is definitely lost and its "Indirect leak" indirectly lost, or, for a pattern it does not
// report at all, nothing. It has no possibly lost and no still reachable: any pointer into a block counts as
// a reference, and it reports no reachable block (docs/check.md).
// `all_indirect`: every lost block is pointed to by another lost one (a cycle), so LSan calls them all
// indirect leaks and none direct.
enum class LsanRule { direct_is_definitely, silent, all_indirect };

// One line per mode for `leakdemo scenarios`, `check` and the README's zoo: the pattern, and what valgrind,
// LeakSanitizer and RSS show for it (re-measured by tests/e2e; keep in step with expected_at_exit()), and
// the lesson `check` prints under its table.
struct ScenarioInfo {
    Mode mode;
    std::string_view pattern;
    std::string_view valgrind;
    std::string_view lsan;
    std::string_view rss;
    std::string_view lesson;
    LsanRule lsan_rule = LsanRule::direct_is_definitely;
};

inline constexpr auto scenario_infos = std::to_array<ScenarioInfo>({
    {Mode::leak, "pointer overwritten", "definitely lost", "direct", "climbs",
     "a block no pointer reaches is definitely lost to valgrind and a direct leak to LSan"},
    {Mode::free, "free() right after touching", "nothing lost", "nothing", "rises once, then flat",
     "freed memory is no leak, even while RSS stays up: glibc keeps it for the next malloc"},
    {Mode::hold, "kept in a live container until exit", "still reachable (+ the container's array)", "silent",
     "climbs", "memory still pointed to at exit is reachable: valgrind lists it, LSan never reports it"},
    {Mode::indirect, "a 16-byte head pointing to a chain of 3 nodes, head dropped",
     "head definitely, nodes indirectly lost", "direct + indirect", "climbs (3 blocks a step)",
     "blocks reached only from a lost block are indirectly lost: fix the head, and they go too"},
    {Mode::interior, "only a pointer into the middle of the block kept",
     "possibly lost (+ the pointers' array, still reachable)", "silent (any pointer counts)", "climbs",
     "LSan counts any pointer into a block as a reference, so an interior pointer hides the leak from it; "
     "valgrind calls it possibly lost"},
    {Mode::cycle, "two shared_ptr objects owning each other, outside owners dropped",
     "one definitely + one indirectly lost", "indirect only (each is pointed to by the other)",
     "climbs (2 blocks a step)",
     "reference counts never reach zero in a cycle: shared_ptr leaks unless one link is a weak_ptr",
     LsanRule::all_indirect},
    {Mode::exception, "new[], then an exception before delete[]", "definitely lost", "direct", "climbs",
     "an exception between new and delete skips the delete: own memory with RAII (unique_ptr, vector)"},
    {Mode::cache, "an ever-growing reachable map, cleared at exit", "nothing", "nothing",
     "climbs: only the trend sees it",
     "a cache that only grows is a leak no checker sees: it is freed at exit, so only RSS tells"},
    {Mode::fragment, "1 KiB chunks per block, all but one in 16 freed", "nothing lost", "nothing",
     "stays high while the heap's in-use figure falls; --trim returns pages",
     "free() inside a heap cannot return a page that still holds a live chunk: fragmentation"},
    {Mode::arena, "--threads N threads each malloc and free a block", "nothing lost", "nothing",
     "higher than one thread: one arena per thread",
     "each thread's arena keeps its own free memory: more threads, more RSS, no leak"},
    {Mode::mmap, "anonymous mmap without munmap", "nothing (not a malloc)", "nothing",
     "climbs: invisible to malloc-based checkers",
     "valgrind and LSan watch malloc; memory mapped directly is invisible to both, RSS sees it"},
});

static_assert(scenario_infos.size() == enum_names<Mode>.size(), "one ScenarioInfo per Mode");

// The line of `mode`.
constexpr const ScenarioInfo& scenario_info(Mode mode) {
    for (const ScenarioInfo& info : scenario_infos) {
        if (info.mode == mode) {
            return info;
        }
    }
    return scenario_infos[0];  // unreachable: one entry per mode (static_assert above)
}

}  // namespace leakdemo
