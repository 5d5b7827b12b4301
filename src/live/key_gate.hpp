#pragma once

#include <chrono>

#include "live/controls.hpp"
#include "live/live_screen.hpp"
#include "live/terminal_session.hpp"
#include "measure/clock.hpp"
#include "measure/run_loop.hpp"

namespace leakdemo {

// How `leakdemo live` drives run_loop: run_loop itself does not sleep (interval 0); before each iteration
// it asks this gate, which waits for the next tick in ppoll on the terminal and the signals, so keys are
// read while waiting at any interval. It hands keys to LiveControls, redraws after each key, resize and
// SIGCONT, holds the loop while paused, suspends on Ctrl-Z (terminal restored while stopped), and says
// stop on `q` or a stop signal. Ticks are on a schedule; a tick already past (after a pause, a slow
// iteration, a stop) is skipped, as in run_loop, and a changed interval applies from the next tick.
class KeyGate final : public StepGate {
  public:
    KeyGate(int in_fd, Clock& clock, LiveControls& controls, LiveScreen& screen, TerminalSession& terminal)
        : m_in_fd(in_fd), m_clock(clock), m_controls(controls), m_screen(screen), m_terminal(terminal) {}

    bool wait_for_step() override;

    // After a run that ended by itself (the screen shows why): waits for q, Ctrl-D, a stop signal or the
    // terminal going away (end of input, hangup), redrawing on a resize and after fg. Every other key is
    // ignored with a note (none would change the run's figures: the summary is taken); no event.
    void wait_to_leave();

  private:
    // Waits in ppoll until `deadline`, a key, or a signal; true when the deadline passed.
    bool wait_until(std::chrono::nanoseconds deadline, bool forever);
    void read_keys();
    void key(char pressed);
    void hang_up();
    void handle_job_control();

    int m_in_fd;
    Clock& m_clock;
    LiveControls& m_controls;
    LiveScreen& m_screen;
    TerminalSession& m_terminal;
    bool m_started = false;
    bool m_ended = false;  // wait_to_leave: keys are not the run's any more
    bool m_leave = false;
    std::chrono::nanoseconds m_previous{};  // when the last iteration was let through (on schedule)
};

}  // namespace leakdemo
