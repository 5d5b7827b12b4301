#include "live/live_screen.hpp"

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <string_view>

namespace leakdemo {
namespace {

constexpr std::size_t reserved_note_bytes = 1024;
// The frame buffer is made for a terminal this big before the baseline: a resize up to it takes no new
// memory between two samples (a larger buffer is one glibc would mmap, and the workload's figures would
// move with it).
constexpr int reserved_columns = 320;
constexpr int reserved_rows = 100;

// A cell is at most 3 bytes of UTF-8; with colour, a run of cells may start a style and end one.
std::size_t frame_bytes(int width, int height, bool color) {
    const std::size_t per_cell = color ? 4 + 16 : 4;
    return static_cast<std::size_t>(width) * static_cast<std::size_t>(height) * per_cell + 1024;
}

// The keys of the `s` menu, in enum_names<Mode> order: 1-9, then a, b ...
char menu_key(std::size_t index) {
    return index < 9 ? static_cast<char>('1' + index) : static_cast<char>('a' + (index - 9));
}

// The mark a key leaves on the chart's axis: the key itself, `p` for space.
char mark_of(std::string_view key) {
    return key == "space" ? 'p' : key.empty() ? '?' : key.front();
}

void write_all(int fd, std::string_view text) {
    while (!text.empty()) {
        const ssize_t written = ::write(fd, text.data(), text.size());
        if (written < 0 && errno == EINTR) {
            continue;
        }
        if (written <= 0) {
            return;  // a terminal that went away: SIGHUP ends the run
        }
        text.remove_prefix(static_cast<std::size_t>(written));
    }
}

}  // namespace

LiveScreen::LiveScreen(int out_fd, const SwitchingWorkload& workload,
                       std::optional<std::uint64_t> budget_bytes, std::chrono::nanoseconds interval,
                       bool unicode, bool color)
    : m_out_fd(out_fd) {
    for (std::string& note : m_notes) {
        note.assign(reserved_note_bytes, ' ');  // written, so its pages are committed before the baseline
        note.clear();
    }
    m_key_note.assign(reserved_note_bytes, ' ');
    m_key_note.clear();
    for (std::size_t i = 0; i < m_menu.size(); ++i) {
        const ModeSlot& slot = workload.slots()[i];
        m_menu[i] = MenuEntry{slot.mode, menu_key(i), slot.unavailable};
    }
    m_view.mode = workload.mode();
    m_view.block_bytes = workload.block_bytes();
    m_view.interval = interval;
    m_view.budget_bytes = budget_bytes;
    m_view.ring = &m_ring;
    m_view.menu = m_menu;
    m_view.unicode = unicode;
    m_view.color = color;
    m_frame.reserve(frame_bytes(reserved_columns, reserved_rows, color));
    draw();  // sizes the frame buffer now, not after the baseline
}

void LiveScreen::record(const Record& record) {
    m_ring.push(chart_point_of(record));
    m_view.latest = record;
    m_view.mode = record.mode;
    m_view.block_bytes = record.block_bytes;
    m_view.run_peak_bytes = std::max(m_view.run_peak_bytes, record.sample.maxrss_bytes);
    if (m_view.phase_peak_bytes) {
        m_view.phase_peak_bytes = std::max(*m_view.phase_peak_bytes, m_hwm.read().value_or(0));
        // VmHWM and ru_maxrss come from different counters: the phase is part of the run, never above it.
        m_view.run_peak_bytes = std::max(m_view.run_peak_bytes, *m_view.phase_peak_bytes);
    }
    draw();
}

void LiveScreen::note(Mode /*mode*/, std::uint64_t /*iteration*/, const std::string& text) {
    show_note(text);
}

void LiveScreen::event(std::uint64_t /*iteration*/, std::string_view key, const std::string& text) {
    m_ring.mark_newest(mark_of(key));
    m_key_note.assign("key ");
    m_key_note.append(key);
    m_key_note.append(": ");
    m_key_note.append(text);
    m_view.key_note = m_key_note;
    draw();
}

void LiveScreen::set_mode(Mode mode) {
    if (mode != m_view.mode) {
        for (std::string& note : m_notes) {
            note.clear();  // keeps its reserved capacity
        }
        m_view.notes = {m_notes[0], m_notes[1]};
    }
    m_view.mode = mode;
}

void LiveScreen::start_phase() {
    m_view.phase_start_iteration = iteration();
    m_view.phase_peak_bytes = m_hwm.read().value_or(0);
}

void LiveScreen::show_ended(std::string_view why, std::string_view detail) {
    m_view.ended = why;
    m_view.menu_open = false;
    m_view.paused = false;
    if (!detail.empty()) {
        m_view.key_note = detail;
    }
    draw();
}

void LiveScreen::key_ignored(char key) {
    m_key_note.assign("key ");
    if (key == ' ') {
        m_key_note.append("space");
    } else if (key > ' ' && key < '\x7f') {
        m_key_note.push_back(key);
    } else {
        m_key_note.append("?");  // Esc, an arrow's bytes, Ctrl-...: not printable
    }
    m_key_note.append(": the run has ended, keys do nothing now; q leaves");
    m_view.key_note = m_key_note;
    draw();
}

void LiveScreen::show_note(std::string_view text) {
    std::swap(m_notes[0], m_notes[1]);  // the older one moves up; no copy, no allocation
    m_notes[1].assign(text);
    m_view.notes = {m_notes[0], m_notes[1]};
}

void LiveScreen::draw() {
    winsize size{};
    if (::ioctl(m_out_fd, TIOCGWINSZ, &size) != 0 || size.ws_col == 0 || size.ws_row == 0) {
        size.ws_col = 80;
        size.ws_row = 24;
    }
    if (size.ws_col != m_width || size.ws_row != m_height) {
        // Past the reserved size a resize takes a larger buffer: that follows the terminal, not the run.
        m_width = size.ws_col;
        m_height = size.ws_row;
        m_frame.reserve(frame_bytes(m_width, m_height, m_view.color));
    }
    render_frame(m_view, m_width, m_height, m_frame);
    write_all(m_out_fd, m_frame);
}

}  // namespace leakdemo
