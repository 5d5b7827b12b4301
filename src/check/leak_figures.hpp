#pragma once

// What a leak checker said, in valgrind's four categories: a figure per category, or nothing where the
// checker is silent by design (LeakSanitizer has no "possibly lost" and no "still reachable").

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include "measure/workload.hpp"
#include "util/enum_names.hpp"

namespace leakdemo {

enum class LeakCategory { definitely, indirectly, possibly, reachable };
inline constexpr std::size_t leak_category_count = 4;
template <>
inline constexpr auto enum_names<LeakCategory> =
    std::to_array<std::pair<LeakCategory, std::string_view>>({{LeakCategory::definitely, "definitely lost"},
                                                              {LeakCategory::indirectly, "indirectly lost"},
                                                              {LeakCategory::possibly, "possibly lost"},
                                                              {LeakCategory::reachable, "still reachable"}});

struct LeakFigure {
    std::uint64_t bytes = 0;
    std::uint64_t blocks = 0;
    friend bool operator==(const LeakFigure&, const LeakFigure&) = default;
};

// Indexed by LeakCategory; nullopt: the checker says nothing about that category.
using CategoryFigures = std::array<std::optional<LeakFigure>, leak_category_count>;

inline CategoryFigures figures_of(const LeakClassification& c) {
    return {LeakFigure{c.definitely_lost_bytes, c.definitely_lost_blocks},
            LeakFigure{c.indirectly_lost_bytes, c.indirectly_lost_blocks},
            LeakFigure{c.possibly_lost_bytes, c.possibly_lost_blocks},
            LeakFigure{c.still_reachable_bytes, c.still_reachable_blocks}};
}

}  // namespace leakdemo
