#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "live/chart_ring.hpp"
#include "live/frame.hpp"
#include "live/hwm_reader.hpp"
#include "live/switching_workload.hpp"
#include "measure/sink.hpp"

namespace leakdemo {

// What `leakdemo live` shows, kept up to date as a Sink (samples, notes, key events) and drawn on the
// terminal: one frame per sample, per key and per resize, one write(2) each. All of its memory (the
// chart's ring, the two notes, the frame buffer for the current size) is made before the baseline sample;
// only a resize past 320x100 may grow the frame buffer.
class LiveScreen final : public Sink {
  public:
    LiveScreen(int out_fd, const SwitchingWorkload& workload, std::optional<std::uint64_t> budget_bytes,
               std::chrono::nanoseconds interval, bool unicode, bool color);

    void record(const Record& record) override;
    void note(Mode mode, std::uint64_t iteration, const std::string& text) override;
    void event(std::uint64_t iteration, std::string_view key, const std::string& text) override;

    // The frame for the terminal's current size, written now.
    void draw();

    void set_paused(bool paused) { m_view.paused = paused; }
    void set_interval(std::chrono::nanoseconds interval) { m_view.interval = interval; }
    // A switch clears the notes: they were about the old mode's blocks.
    void set_mode(Mode mode);
    void set_menu_open(bool open) { m_view.menu_open = open; }
    bool menu_open() const { return m_view.menu_open; }
    const std::array<MenuEntry, SwitchingWorkload::mode_count>& menu() const { return m_menu; }
    // `m`: the phase starts after the newest sample; the header shows its own peak from now on.
    void start_phase();
    const LiveView& view() const { return m_view; }
    // The run ended by itself: the last frame stays, `why` in place of the key line ("finished: 3
    // iterations") with "press q to leave", and `detail` (the guard's reason; may be empty) as the last
    // key's note. Both must outlive the screen.
    void show_ended(std::string_view why, std::string_view detail);
    // A key pressed after the run ended: the note says it does nothing now and that q leaves.
    void key_ignored(char key);
    // The newest sample's iteration (0 before the first after the baseline).
    std::uint64_t iteration() const { return m_view.latest ? m_view.latest->iteration : 0; }

  private:
    void show_note(std::string_view text);

    int m_out_fd;
    LiveView m_view;
    ChartRing m_ring;
    HwmReader m_hwm;
    std::array<std::string, 2> m_notes;
    std::string m_key_note;
    std::array<MenuEntry, SwitchingWorkload::mode_count> m_menu;
    std::string m_frame;
    int m_width = 0;
    int m_height = 0;
};

}  // namespace leakdemo
