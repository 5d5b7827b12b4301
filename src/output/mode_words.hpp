#pragma once

#include <string_view>

#include "measure/workload.hpp"

namespace leakdemo {

// The words for what each mode makes and keeps, so every sentence about a mode's memory names its own
// unit: hold's blocks, cache's map entries, fragment's kept chunks, mmap's mappings (live's r note, the
// summary's held line).
struct ModeWords {
    Mode mode = Mode::leak;
    std::string_view unit;                // what one step makes, plural: "blocks", "chains", "mappings"
    std::string_view held;                // what it keeps reachable, plural; empty if it keeps nothing
    std::string_view nothing_to_release;  // why `r` finds nothing of it to free
};

const ModeWords& mode_words(Mode mode);

}  // namespace leakdemo
