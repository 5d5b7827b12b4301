#pragma once

namespace leakdemo {

// Every way leakdemo can end, documented in --help and the README. Scripts depend on these numbers.
enum class ExitCode : int {
    success = 0,            // the run finished (or the reader of stdout closed it: `| head`)
    runtime_error = 1,      // something failed while running (I/O error, unreadable /proc ...)
    usage = 2,              // bad command line: one line on stderr naming the flag
    stopped_early = 3,      // allocation failed, or the memory guard stopped the run
    leak_detected = 4,      // --fail-on-leak and the verdict is `leaking`
    checker_disagrees = 5,  // `leakdemo check`: a leak checker's figures differ from leakdemo's
    hangup = 129,           // SIGHUP (128 + 1): the terminal closed, the ssh session dropped
    interrupted = 130,      // SIGINT (128 + 2)
    terminated = 143,       // SIGTERM (128 + 15)
};

constexpr int to_int(ExitCode code) {
    return static_cast<int>(code);
}

}  // namespace leakdemo
