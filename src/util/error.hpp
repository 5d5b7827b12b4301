#pragma once

#include <stdexcept>
#include <string>

namespace leakdemo {

// A runtime failure deep inside a run (a write that fails, /proc unreadable, a child that cannot start), with
// a message fit for one line on stderr. Caught in exactly one place: leakdemo_main (app/app.cpp) prints it
// and exits with `exit_code()`: 1, or the documented code a failure has (watch's 126/127 for a COMMAND
// that cannot be executed, as `timeout` says). A step that can fail before anything runs returns an
// Expected instead (util/expected.hpp).
class Error : public std::runtime_error {
  public:
    explicit Error(const std::string& message, int exit_code = 1)
        : std::runtime_error(message), m_exit_code(exit_code) {}
    int exit_code() const { return m_exit_code; }

  private:
    int m_exit_code;
};

// The reader of an output stream went away (EPIPE, e.g. `leakdemo | head`; EIO from a terminal that hung
// up). Not an error: caught where a run ends (app/run_single.cpp, compare's session), which ends quietly
// with exit 0 (129 when the hangup also sent SIGHUP), its -o file and report still written.
class OutputClosed : public std::runtime_error {
  public:
    OutputClosed() : std::runtime_error("output closed") {}
};

}  // namespace leakdemo
