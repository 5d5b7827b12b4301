#pragma once

#include <sys/types.h>

namespace leakdemo {

// watch's stop signals: SIGINT, SIGTERM and SIGHUP. The first one is recorded (watch forwards it to
// COMMAND's process group and waits for COMMAND to end as it chooses); a second one kills the group
// with SIGKILL and exits 128+N at once. measure/signals.cpp's handlers cannot do the kill (a run has no
// child), so watch installs these over them; SIGPIPE stays ignored (install_signal_handlers). No
// SA_RESTART: a sleeping ppoll() returns EINTR.
void install_watch_signal_handlers();
// The process group the second signal kills; 0 for none (--pid: not ours to kill).
void set_watched_group(pid_t group);
// The first stop signal received, or 0.
int watch_stop_signal();

}  // namespace leakdemo
