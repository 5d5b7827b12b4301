#pragma once

#include <signal.h>
#include <sys/types.h>

#include "util/exit_code.hpp"

namespace leakdemo {

// SIGINT/SIGTERM/SIGHUP: the first one asks the run to stop after the current iteration (flush, summary,
// report, exit 130/143/129); a second one exits at once. SIGPIPE is ignored so a closed stdout shows up as
// EPIPE.
void install_signal_handlers();

// The process group a second stop signal kills with SIGKILL before exiting (watch's COMMAND, in its own
// group); 0 for none (a run, or watch --pid: not ours to kill).
void set_group_killed_on_second_signal(pid_t group);
// Called (if set) in the signal handler right before the second stop signal's immediate exit: it must be
// async-signal-safe. `leakdemo live` puts the terminal back there.
void set_before_exit_hook(void (*hook)());

// 0 while no stop was requested, else the signal number that asked for it.
int stop_signal();

// The signals install_signal_handlers() catches to stop a run, for sigprocmask/ppoll.
sigset_t stop_signal_set();

// How a run stopped by `signal_number` (SIGINT, SIGTERM or SIGHUP) exits: 130, 143 or 129.
ExitCode exit_code_for_stop_signal(int signal_number);

// compare and watch (their children are in their own process groups, so Ctrl-Z reaches the parent alone):
// SIGTSTP and SIGCONT are noted, not acted on, so the parent can stop and resume the children with itself.
// compare blocks them with the stop signals and unblocks them only in ppoll, as it does the stop signals.
void install_job_control_handlers();
// True once after SIGTSTP (Ctrl-Z) arrived.
bool take_suspend_request();
// True once after SIGCONT arrived.
bool take_continued();
// True while a SIGTSTP or SIGCONT waits to be taken (above), without taking it: a wait must not start.
bool job_control_pending();
// Stops this process as SIGTSTP's default action would (until SIGCONT), then puts the handler back. In an
// orphaned process group the kernel discards the stop and this returns at once.
void suspend_self();

}  // namespace leakdemo
