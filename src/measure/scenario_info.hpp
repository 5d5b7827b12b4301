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
    {Mode::hold, "kept in a live container until exit", "still reachable (+ the container's array)", "silent",
     "climbs"},
    {Mode::indirect, "a 16-byte head pointing to a chain of 3 nodes, head dropped",
     "head definitely, nodes indirectly lost", "direct + indirect", "climbs (3 blocks a step)"},
    {Mode::interior, "only a pointer into the middle of the block kept",
     "possibly lost (+ the pointers' array, still reachable)", "silent (any pointer counts)", "climbs"},
    {Mode::cycle, "two shared_ptr objects owning each other, outside owners dropped",
     "one definitely + one indirectly lost", "indirect only (each is pointed to by the other)",
     "climbs (2 blocks a step)"},
    {Mode::exception, "new[], then an exception before delete[]", "definitely lost", "direct", "climbs"},
    {Mode::cache, "an ever-growing reachable map, cleared at exit", "nothing", "nothing",
     "climbs: only the trend sees it"},
    {Mode::fragment, "1 KiB chunks per block, all but one in 16 freed", "nothing lost", "nothing",
     "stays high while the heap's in-use figure falls; --trim returns pages"},
    {Mode::arena, "--threads N threads each malloc and free a block", "nothing lost", "nothing",
     "higher than one thread: one arena per thread"},
    {Mode::mmap, "anonymous mmap without munmap", "nothing (not a malloc)", "nothing",
     "climbs: invisible to malloc-based checkers"},
});

static_assert(scenario_infos.size() == enum_names<Mode>.size(), "one ScenarioInfo per Mode");

}  // namespace leakdemo
