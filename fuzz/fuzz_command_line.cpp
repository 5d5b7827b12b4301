// libFuzzer target: the whole command line. The bytes are split at NUL into arguments after "leakdemo";
// parse_command_line must return Options, a help/version text or a one-line usage error: never throw,
// crash or trip a sanitizer.
#include <cstddef>
#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "cli/cli.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    constexpr std::size_t max_arguments = 64;
    std::vector<std::string> arguments{"leakdemo"};
    std::string current;
    for (std::size_t i = 0; i < size && arguments.size() < max_arguments; ++i) {
        if (data[i] == 0) {
            arguments.push_back(current);
            current.clear();
        } else {
            current.push_back(static_cast<char>(data[i]));
        }
    }
    if (!current.empty() && arguments.size() < max_arguments) {
        arguments.push_back(current);
    }
    std::vector<const char*> argv;
    for (const std::string& argument : arguments) {
        argv.push_back(argument.c_str());
    }
    argv.push_back(nullptr);

    const auto result = leakdemo::parse_command_line(static_cast<int>(arguments.size()), argv.data());
    if (const auto* usage = std::get_if<leakdemo::UsageError>(&result)) {
        if (usage->message.empty() || usage->message.find('\n') != std::string::npos) {
            __builtin_trap();  // one line, and it says something
        }
    }
    if (const auto* options = std::get_if<leakdemo::Options>(&result)) {
        if (options->block_bytes == 0 || (options->iterations && *options->iterations == 0)) {
            __builtin_trap();
        }
    }
    return 0;
}
