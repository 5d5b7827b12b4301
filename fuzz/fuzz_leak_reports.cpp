// libFuzzer target: the leak checkers' report parsers (valgrind's XML, LeakSanitizer's text) on any bytes,
// both in one target so the fuzz stage grows by one target's time. Never a crash or a sanitizer report; a
// refusal says why; an accepted report's figures are consistent.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "check/lsan_report.hpp"
#include "check/valgrind_report.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    const auto valgrind = leakdemo::parse_valgrind_xml(text);
    if (!valgrind && valgrind.error().empty()) {
        __builtin_trap();
    }
    if (valgrind && valgrind->untracked_bytes != 0) {
        __builtin_trap();  // valgrind cannot see mmap'd memory: never reported
    }
    const auto lsan = leakdemo::parse_lsan_report(text);
    if (!lsan && lsan.error().empty()) {
        __builtin_trap();
    }
    return 0;
}
