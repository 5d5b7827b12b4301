#pragma once

#include <array>
#include <string_view>

#include "measure/workload.hpp"

namespace leakdemo {

// One line per mode for `leakdemo scenarios`, `check` and the README's zoo: the pattern, and what valgrind,
// LeakSanitizer and RSS show for it (re-measured by tests/e2e; keep in step with expected_at_exit()).
struct ScenarioInfo {
    Mode mode;
    std::string_view pattern;
    std::string_view valgrind;
    std::string_view lsan;
    std::string_view rss;
};

inline constexpr auto scenario_infos = std::to_array<ScenarioInfo>({
    {Mode::leak, "pointer overwritten", "definitely lost", "direct", "climbs"},
    {Mode::free, "free() right after touching", "nothing lost", "nothing", "rises once, then flat"},
    {Mode::hold, "kept in a live container until exit", "still reachable", "silent", "climbs"},
    {Mode::indirect, "a small head pointing to a chain of nodes, head dropped",
     "head definitely, nodes indirectly lost", "direct + indirect", "climbs"},
    {Mode::interior, "only a pointer into the middle of the block kept", "possibly lost",
     "silent (any pointer counts)", "climbs"},
    {Mode::cycle, "shared_ptr objects owning each other, last outside owner dropped",
     "one definitely + the rest indirectly lost", "silent or indirect only", "climbs"},
    {Mode::exception, "new[], then an exception before delete[]", "definitely lost", "direct", "climbs"},
    {Mode::cache, "an ever-growing reachable map, cleared at exit", "nothing", "nothing",
     "climbs: only the trend sees it"},
    {Mode::fragment, "many small chunks per block, all but one in N freed", "nothing lost", "nothing",
     "stays high while the heap's in-use figure falls"},
    {Mode::arena, "threads each allocate and free blocks", "nothing lost", "nothing",
     "higher than one thread: one arena per thread"},
    {Mode::mmap, "anonymous mmap without munmap", "nothing (not a malloc)", "nothing",
     "climbs: invisible to malloc-based checkers"},
});

static_assert(scenario_infos.size() == enum_names<Mode>.size(), "one ScenarioInfo per Mode");

}  // namespace leakdemo
