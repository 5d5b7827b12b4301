#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "live/chart_ring.hpp"
#include "measure/record.hpp"

namespace leakdemo {

// The smallest screen live draws on; a smaller one shows one line asking for more room.
inline constexpr int min_frame_width = 60;
inline constexpr int min_frame_height = 20;

// A mode in the `s` menu: the key that picks it, and why it cannot be picked (empty: it can).
struct MenuEntry {
    Mode mode = Mode::leak;
    char key = 0;
    std::string_view unavailable;
};

// Everything a frame shows, as plain data: the renderer reads nothing else.
struct LiveView {
    Mode mode = Mode::leak;
    std::uint64_t block_bytes = 0;
    std::chrono::nanoseconds interval{};
    bool paused = false;
    std::optional<std::uint64_t> budget_bytes;      // nullopt: --no-guard
    std::optional<Record> latest;                   // the newest sample; nullopt before the baseline
    std::uint64_t run_peak_bytes = 0;               // the most ru_maxrss read (`m` may lower ru_maxrss)
    std::optional<std::uint64_t> phase_peak_bytes;  // VmHWM since the last `m` (nullopt: no phase yet)
    std::uint64_t phase_start_iteration = 0;
    std::string_view key_note;                // what the last key did; empty: no key yet
    std::array<std::string_view, 2> notes{};  // the two newest --explain notes, older first; empty: none
    bool menu_open = false;
    std::span<const MenuEntry> menu;
    const ChartRing* ring = nullptr;
    bool unicode = true;
    bool color = false;      // colour escapes (output/style.hpp's palette); off: none at all
    std::string_view ended;  // why the run ended by itself ("finished: 3 iterations"); empty: running
};

// The guard's time to the limit is shown as an alarm at or below this.
inline constexpr double close_eta_seconds = 30;

// One frame for a `width` x `height` terminal, appended to `out` (cleared first): each row is "go to the
// row, the text, erase to the end of the line", and the rest of the screen is erased, so a frame
// overwrites the last one without a full clear (no flicker) and goes out in one write(2). Pure: the same
// view and size give the same bytes. Below 60x20 the frame says, in as many rows as it takes (and fit),
// that it needs 60x20 and how big the terminal is. When the run has ended (`ended`), the key line says
// why and that q leaves.
void render_frame(const LiveView& view, int width, int height, std::string& out);
std::string render_frame(const LiveView& view, int width, int height);

// The budget's time to the limit at the rate outstanding bytes grew over the newest points (up to
// `window` of them); nullopt when they did not grow, or there is no budget or too few points.
std::optional<double> seconds_to_budget(const ChartRing& ring, std::optional<std::uint64_t> budget_bytes,
                                        std::size_t window = 16);

}  // namespace leakdemo
