// libFuzzer target: the size parsers (--block-size, --max-memory) on any bytes. Never a crash or a sanitizer
// report; an accepted size must be consistent with its own text.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "measure/memory_guard.hpp"
#include "util/units.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    const auto bytes = leakdemo::parse_size(text);
    if (bytes) {
        // Whatever was accepted formats back to human units without trouble.
        (void)leakdemo::format_bytes(bytes.value());
    } else if (bytes.error().empty()) {
        __builtin_trap();  // a refusal must say why
    }
    const auto budget = leakdemo::parse_max_memory(text);
    if (budget) {
        const auto& request = budget.value();
        if (request.max_bytes.has_value() == request.max_available_percent.has_value()) {
            __builtin_trap();  // exactly one kind of budget
        }
        if (request.max_available_percent &&
            (*request.max_available_percent <= 0 || *request.max_available_percent > 100)) {
            __builtin_trap();
        }
        if (request.max_bytes && *request.max_bytes == 0) {
            __builtin_trap();
        }
    } else if (budget.error().empty()) {
        __builtin_trap();
    }
    return 0;
}
