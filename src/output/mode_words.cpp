#include "output/mode_words.hpp"

#include <array>

namespace leakdemo {
namespace {

constexpr auto all_words = std::to_array<ModeWords>({
    {Mode::leak, "blocks", "", "leak's blocks have no pointer left"},
    {Mode::free, "blocks", "", "free's blocks are freed as soon as they are touched"},
    {Mode::hold, "blocks", "blocks", "hold keeps no block now"},
    {Mode::indirect, "chains of nodes", "", "indirect's chains lost their heads"},
    {Mode::interior, "blocks", "blocks known only by a pointer into their middle",
     "interior keeps only pointers into the middle of its blocks, and free() needs the start"},
    {Mode::cycle, "shared pairs", "", "cycle's shared pairs own each other, with no owner outside"},
    {Mode::exception, "arrays", "", "exception's arrays lost their only pointer to the exception"},
    {Mode::cache, "map entries", "map entries", "cache keeps no map entry now"},
    {Mode::fragment, "blocks cut into 1 KiB chunks", "kept chunks", "fragment keeps no chunk now"},
    {Mode::arena, "blocks (one per thread)", "", "arena's threads free each block at once"},
    {Mode::mmap, "mappings", "", "mmap's mappings are never unmapped: nothing can free them"},
});

static_assert(all_words.size() == enum_names<Mode>.size(), "words for every Mode");

}  // namespace

const ModeWords& mode_words(Mode mode) {
    for (const ModeWords& words : all_words) {
        if (words.mode == mode) {
            return words;
        }
    }
    return all_words[0];  // unreachable: one entry per mode (static_assert above)
}

}  // namespace leakdemo
