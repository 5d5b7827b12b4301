#pragma once

namespace leakdemo {

// SIGINT/SIGTERM: the first one asks the run to stop after the current iteration (flush, summary,
// exit 130/143); a second one exits at once. SIGPIPE is ignored so a closed stdout shows up as EPIPE.
void install_signal_handlers();

// 0 while no stop was requested, else the signal number that asked for it.
int stop_signal();

}  // namespace leakdemo
