#include "check/checkers.hpp"

#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>

namespace leakdemo {
namespace {

bool is_executable_file(const std::string& path) {
    struct stat status {};
    return ::stat(path.c_str(), &status) == 0 && S_ISREG(status.st_mode) && ::access(path.c_str(), X_OK) == 0;
}

// The ABI tag ldconfig prints for a library of this process's architecture.
constexpr std::string_view own_abi_tag() {
#if defined(__x86_64__)
    return "x86-64";
#elif defined(__aarch64__)
    return "AArch64";
#else
    return "";  // another architecture: the first entry
#endif
}

// `program -p`'s standard output (ldconfig's listing), at most 1 MiB; empty if it cannot run.
std::string ldconfig_listing() {
    const char* path = std::getenv("PATH");
    std::optional<std::string> ldconfig =
        find_on_path("ldconfig", fmt::format("{}:/usr/sbin:/sbin", path != nullptr ? path : ""));
    if (!ldconfig || ldconfig->find('\'') != std::string::npos) {
        return {};
    }
    std::FILE* pipe = ::popen(fmt::format("'{}' -p 2>/dev/null", *ldconfig).c_str(), "r");
    if (pipe == nullptr) {
        return {};
    }
    std::string listing;
    char buffer[4096];
    std::size_t got = 0;
    while ((got = std::fread(buffer, 1, sizeof buffer, pipe)) > 0 && listing.size() < (1u << 20)) {
        listing.append(buffer, got);
    }
    ::pclose(pipe);
    return listing;
}

}  // namespace

std::optional<std::string> find_on_path(std::string_view name, std::string_view path_variable) {
    while (true) {
        const auto colon = path_variable.find(':');
        const std::string_view directory = path_variable.substr(0, colon);
        // An empty entry is the current directory, as for execvp.
        const std::string candidate = fmt::format("{}/{}", directory.empty() ? "." : directory, name);
        if (is_executable_file(candidate)) {
            return candidate;
        }
        if (colon == std::string_view::npos) {
            return std::nullopt;
        }
        path_variable.remove_prefix(colon + 1);
    }
}

Expected<std::optional<std::string>> find_valgrind(const std::string& given) {
    using Result = Expected<std::optional<std::string>>;
    const char* from_environment = std::getenv("LEAKDEMO_VALGRIND");
    const bool by_flag = !given.empty();
    if (by_flag || (from_environment != nullptr && *from_environment != '\0')) {
        const std::string path = by_flag ? given : from_environment;
        if (!is_executable_file(path)) {
            return Result::fail(fmt::format("{}: '{}' is not an executable file",
                                            by_flag ? "--valgrind" : "LEAKDEMO_VALGRIND", path));
        }
        return Result::ok(path);
    }
    const char* path = std::getenv("PATH");
    return Result::ok(path == nullptr ? std::nullopt : find_on_path("valgrind", path));
}

std::optional<std::string> lsan_in_ldconfig_listing(std::string_view listing) {
    constexpr std::string_view arrow = " => ";
    while (!listing.empty()) {
        const auto newline = listing.find('\n');
        std::string_view line = listing.substr(0, newline);
        listing.remove_prefix(newline == std::string_view::npos ? listing.size() : newline + 1);
        while (!line.empty() && (line.front() == ' ' || line.front() == '\t')) {
            line.remove_prefix(1);
        }
        const auto at = line.find(arrow);
        if (!line.starts_with("liblsan.so.0 (") || at == std::string_view::npos) {
            continue;
        }
        const std::string_view tags = line.substr(0, at);
        if (tags.find(own_abi_tag()) == std::string_view::npos) {
            continue;
        }
        return std::string(line.substr(at + arrow.size()));
    }
    return std::nullopt;
}

std::optional<std::string> find_lsan_library() {
    if (const char* given = std::getenv("LEAKDEMO_LSAN_LIBRARY"); given != nullptr) {
        return *given == '\0' ? std::nullopt : std::optional<std::string>(given);
    }
    return lsan_in_ldconfig_listing(ldconfig_listing());
}

}  // namespace leakdemo
