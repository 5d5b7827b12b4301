#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "live/live_screen.hpp"
#include "live/switching_workload.hpp"
#include "measure/sampler.hpp"
#include "measure/sink.hpp"

namespace leakdemo {

// The interval live's + and - keep to.
inline constexpr std::chrono::nanoseconds min_live_interval = std::chrono::milliseconds(10);
inline constexpr std::chrono::nanoseconds max_live_interval = std::chrono::seconds(10);

// `r`'s note: what each mode freed, in its own unit ("4.0 MiB of hold's blocks and 256 KiB of fragment's
// kept chunks"), what RSS did from `before` to `after` and why; or why nothing of `current` can be freed.
std::string release_note(const SwitchingWorkload::PerMode& freed_by_mode, const MemorySample& before,
                         const MemorySample& after, Mode current);
// `t`'s note: malloc_trim(0)'s result (`released`: its return value) and what RSS did.
std::string trim_note(int released, const MemorySample& before, const MemorySample& after, Mode current);

// `m`'s note: VmHWM was reset to `now`'s RSS (and, on Linux, ru_maxrss with it: the kernel reports the
// larger of the two high-water marks it keeps, and clear_refs resets the one the RSS feeds), while the
// run's peak, `run_peak_bytes`, is kept by leakdemo. `error`: why the reset failed (empty: it worked).
std::string mark_note(const MemorySample& now, std::uint64_t run_peak_bytes, std::string_view error);

// What each key of `leakdemo live` does (docs/live.md). Every key press becomes an event with a sentence
// that says what happened, from measured figures, to `sink` (-o JSONL, the report's marks, the screen).
class LiveControls {
  public:
    LiveControls(SwitchingWorkload& workload, Sampler& sampler, LiveScreen& screen, Sink& sink,
                 std::chrono::nanoseconds interval)
        : m_workload(workload), m_sampler(sampler), m_screen(screen), m_sink(sink), m_interval(interval) {}

    // One byte read from the terminal. Unknown keys are ignored (no event).
    void press(char key);

    bool paused() const { return m_paused; }
    bool quit() const { return m_quit; }
    std::chrono::nanoseconds interval() const { return m_interval; }

  private:
    void emit(std::string_view key, const std::string& text);
    void switch_mode(std::string_view key, Mode mode);
    void pick_from_menu(char key);
    void release();
    void trim();
    void mark();
    void change_interval(bool faster);

    SwitchingWorkload& m_workload;
    Sampler& m_sampler;
    LiveScreen& m_screen;
    Sink& m_sink;
    std::chrono::nanoseconds m_interval;
    bool m_paused = false;
    bool m_quit = false;
};

}  // namespace leakdemo
