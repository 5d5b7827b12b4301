#include "live/controls.hpp"

#include <fmt/format.h>
#include <malloc.h>

#include <algorithm>
#include <cstdint>
#include <optional>

#include "live/hwm_reader.hpp"
#include "output/mode_words.hpp"
#include "util/units.hpp"

namespace leakdemo {
namespace {

constexpr char escape_key = '\x1b';

// "fell 3.9 MiB", "rose 4.0 KiB", "did not change": RSS from `before` to `after`.
std::string rss_change(std::uint64_t before, std::uint64_t after) {
    if (after < before) {
        return fmt::format("fell {} ({} -> {})", format_bytes(before - after), format_bytes(before),
                           format_bytes(after));
    }
    if (after > before) {
        return fmt::format("rose {} ({} -> {})", format_bytes(after - before), format_bytes(before),
                           format_bytes(after));
    }
    return fmt::format("did not change ({})", format_bytes(after));
}

}  // namespace

std::string release_note(const SwitchingWorkload::PerMode& freed_by_mode, const MemorySample& before,
                         const MemorySample& after, Mode current) {
    std::uint64_t freed = 0;
    std::string what;  // "4.0 MiB of hold's blocks and 256 KiB of fragment's kept chunks"
    for (std::size_t i = 0; i < freed_by_mode.size(); ++i) {
        if (freed_by_mode[i] == 0) {
            continue;
        }
        const Mode mode = enum_names<Mode>[i].first;
        what += fmt::format("{}{} of {}'s {}", what.empty() ? "" : " and ", format_bytes(freed_by_mode[i]),
                            to_string(mode), mode_words(mode).held);
        freed += freed_by_mode[i];
    }
    if (freed == 0) {
        return fmt::format("nothing reachable to release: {}", mode_words(current).nothing_to_release);
    }
    const std::uint64_t unmapped =
        before.heap_mmap_bytes > after.heap_mmap_bytes ? before.heap_mmap_bytes - after.heap_mmap_bytes : 0;
    std::string why;
    if (unmapped >= freed) {
        why = "all of it was mmap'd, so free() unmapped it: the memory went back at once";
    } else if (unmapped == 0) {
        why = "it was in the brk heap: free() keeps that memory for reuse; t (malloc_trim) gives it back";
    } else {
        why =
            fmt::format("{} of it was mmap'd, unmapped at once; the rest stays in the heap until trimmed (t)",
                        format_bytes(unmapped));
    }
    return fmt::format("released {}: RSS {}; {}", what, rss_change(before.rss_bytes, after.rss_bytes), why);
}

std::string trim_note(int released, const MemorySample& before, const MemorySample& after, Mode current) {
    std::string note = fmt::format("malloc_trim(0): RSS {}", rss_change(before.rss_bytes, after.rss_bytes));
    if (released == 0) {
        note += "; glibc had no free heap pages to give back";
    }
    if (current == Mode::mmap) {
        note += fmt::format("; mmap's {} are not malloc's: malloc_trim cannot return them",
                            mode_words(current).unit);
    }
    return note;
}

void LiveControls::press(char key) {
    if (m_screen.menu_open()) {
        pick_from_menu(key);
        return;
    }
    switch (key) {
        case 'l':
            return switch_mode("l", Mode::leak);
        case 'f':
            return switch_mode("f", Mode::free);
        case 'h':
            return switch_mode("h", Mode::hold);
        case 's':
            m_screen.set_menu_open(true);
            return emit("s", "the mode menu: press a mode's key (s or Esc: back)");
        case 'r':
            return release();
        case 't':
            return trim();
        case 'm':
            return mark();
        case ' ':
            m_paused = !m_paused;
            m_screen.set_paused(m_paused);
            return emit("space", m_paused ? "paused: no allocation and no sample until space again"
                                          : "resumed: the next iteration runs at once");
        case '+':
        case '-':
            return change_interval(key == '+');
        case 'q':
            m_quit = true;
            return emit("q", "quit: the summary follows on the normal screen");
        default:
            return;  // not a key of live's (arrows, Ctrl-D ...): nothing happens
    }
}

void LiveControls::emit(std::string_view key, const std::string& text) {
    m_sink.event(m_screen.iteration(), key, text);
}

void LiveControls::switch_mode(std::string_view key, Mode mode) {
    if (m_workload.mode() == mode) {
        return emit(key, fmt::format("already in {} mode", to_string(mode)));
    }
    // A mode whose one step is more than the whole budget would end the session at its first step: the
    // guard refuses it before any allocation. Refused here instead, the run goes on in the mode it has.
    const std::optional<std::uint64_t> budget = m_screen.view().budget_bytes;
    for (const ModeSlot& slot : m_workload.slots()) {
        if (slot.mode == mode && slot.workload && budget && slot.workload->step_bytes() > *budget) {
            return emit(key, fmt::format("{}: one step needs {}, more than the guard's {} budget; the mode "
                                         "stays {}",
                                         to_string(mode), format_bytes(slot.workload->step_bytes()),
                                         format_bytes(*budget), to_string(m_workload.mode())));
        }
    }
    if (!m_workload.switch_to(mode)) {
        return emit(key, fmt::format("{} mode is not available here", to_string(mode)));
    }
    m_screen.set_mode(mode);
    emit(key, fmt::format("{} mode from iteration {} on", to_string(mode), m_screen.iteration() + 1));
}

void LiveControls::pick_from_menu(char key) {
    if (key == 's' || key == escape_key) {
        m_screen.set_menu_open(false);
        return emit(key == 's' ? "s" : "esc", "mode menu closed");
    }
    for (const MenuEntry& entry : m_screen.menu()) {
        if (entry.key != key) {
            continue;
        }
        m_screen.set_menu_open(false);
        const std::string_view name(&entry.key, 1);
        if (!entry.unavailable.empty()) {
            return emit(
                name, fmt::format("{} mode is not available: {}", to_string(entry.mode), entry.unavailable));
        }
        return switch_mode(name, entry.mode);
    }
    // Any other key leaves the menu open: it is not one of live's.
}

std::string mark_note(const MemorySample& now, std::uint64_t run_peak_bytes, std::string_view error) {
    if (!error.empty()) {
        return fmt::format(
            "cannot reset VmHWM (echo 5 > /proc/self/clear_refs: {}); the high-water marks "
            "stay, the run's peak is {}",
            error, format_bytes(run_peak_bytes));
    }
    return fmt::format(
        "a new phase: VmHWM reset to the current RSS, {} (echo 5 > /proc/self/clear_refs), "
        "and on this kernel ru_maxrss with it; the run's peak, {}, is kept by leakdemo",
        format_bytes(now.rss_bytes), format_bytes(run_peak_bytes));
}

// What RSS did when the reachable memory was freed, in each mode's own unit, and why, from mallinfo2's
// mmap'd bytes.
void LiveControls::release() {
    const MemorySample before = m_sampler.sample();
    const SwitchingWorkload::PerMode freed_by_mode = m_workload.release_reachable_by_mode();
    const MemorySample after = m_sampler.sample();
    emit("r", release_note(freed_by_mode, before, after, m_workload.mode()));
}

void LiveControls::trim() {
    const MemorySample before = m_sampler.sample();
    const int released = ::malloc_trim(0);
    const MemorySample after = m_sampler.sample();
    emit("t", trim_note(released, before, after, m_workload.mode()));
}

void LiveControls::mark() {
    const MemorySample now = m_sampler.sample();
    const std::uint64_t run_peak_bytes = std::max(m_screen.view().run_peak_bytes, now.maxrss_bytes);
    const std::string error = reset_peak_rss();
    if (error.empty()) {
        m_screen.start_phase();
    }
    emit("m", mark_note(now, run_peak_bytes, error));
}

void LiveControls::change_interval(bool faster) {
    const std::chrono::nanoseconds wanted = faster ? m_interval / 2 : m_interval * 2;
    const std::chrono::nanoseconds clamped = std::clamp(wanted, min_live_interval, max_live_interval);
    const std::string_view key = faster ? "+" : "-";
    if (clamped == m_interval) {
        return emit(key, fmt::format("the interval stays {}: live paces from 10ms to 10s",
                                     format_duration(m_interval)));
    }
    m_interval = clamped;
    m_screen.set_interval(m_interval);
    emit(key, fmt::format("interval {} ({})", format_duration(m_interval), faster ? "faster" : "slower"));
}

}  // namespace leakdemo
