#pragma once

#include <array>
#include <string_view>

#include "measure/workload.hpp"

namespace leakdemo {

// How LeakSanitizer's two kinds map onto the figures leakdemo expects (valgrind's categories): its
// "Direct leak" is definitely lost and its "Indirect leak" indirectly lost, or, for a pattern it does not
// report at all, nothing. It has no possibly lost and no still reachable: any pointer into a block counts as
// a reference, and it reports no reachable block (docs/check.md).
enum class LsanRule { direct_is_definitely, silent };

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
    {Mode::hold, "kept in a live container until exit", "still reachable", "silent", "climbs",
     "memory still pointed to at exit is reachable: valgrind lists it, LSan never reports it"},
    {Mode::indirect, "a small head pointing to a chain of nodes, head dropped",
     "head definitely, nodes indirectly lost", "direct + indirect", "climbs",
     "blocks reached only from a lost block are indirectly lost: fix the head, and they go too"},
    {Mode::interior, "only a pointer into the middle of the block kept", "possibly lost",
     "silent (any pointer counts)", "climbs",
     "LSan counts any pointer into a block as a reference, so an interior pointer hides the leak "
     "from it; valgrind calls it possibly lost"},
    {Mode::cycle, "shared_ptr objects owning each other, last outside owner dropped",
     "one definitely + the rest indirectly lost", "silent or indirect only", "climbs",
     "reference counts never reach zero in a cycle: shared_ptr leaks unless one link is a weak_ptr",
     LsanRule::silent},
    {Mode::exception, "new[], then an exception before delete[]", "definitely lost", "direct", "climbs",
     "an exception between new and delete skips the delete: own memory with RAII (unique_ptr, vector)"},
    {Mode::cache, "an ever-growing reachable map, cleared at exit", "nothing", "nothing",
     "climbs: only the trend sees it",
     "a cache that only grows is a leak no checker sees: it is freed at exit, so only RSS tells"},
    {Mode::fragment, "many small chunks per block, all but one in N freed", "nothing lost", "nothing",
     "stays high while the heap's in-use figure falls",
     "free() inside a heap cannot return a page that still holds a live chunk: fragmentation"},
    {Mode::arena, "threads each allocate and free blocks", "nothing lost", "nothing",
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
