// libFuzzer target: watch's value parsers on any bytes, all in one target so the fuzz stage grows by one
// target's time only: --leak-rate (parse_rate), --pid (parse_pid) and --command-output. Never a crash or a
// sanitizer report; an accepted rate is a finite number of bytes per second above 0, an accepted PID lies in
// 1..PID_MAX_LIMIT, and every refusal says why.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "cli/convert.hpp"
#include "watch/command.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    const auto rate = leakdemo::parse_rate(text);
    if (rate) {
        if (!std::isfinite(rate.value()) || rate.value() <= 0) {
            __builtin_trap();
        }
    } else if (rate.error().empty()) {
        __builtin_trap();
    }
    // kill(PID, 0) only asks whether the process exists: no signal is ever sent.
    const auto pid = leakdemo::parse_pid(text);
    if (pid) {
        if (pid.value() == 0 || pid.value() > 4194304) {
            __builtin_trap();
        }
    } else if (pid.error().empty()) {
        __builtin_trap();
    }
    const auto output = leakdemo::parse_command_output(text);
    if (output) {
        using Kind = leakdemo::CommandOutput::Kind;
        if ((output.value().kind == Kind::file) != (output.value().path == text && !text.empty())) {
            __builtin_trap();
        }
    } else if (output.error().empty()) {
        __builtin_trap();
    }
    return 0;
}
