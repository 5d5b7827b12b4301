#pragma once

// Where the leak checkers are. Each lookup can be overridden, for a custom build and for the tests:
// valgrind by --valgrind PATH or $LEAKDEMO_VALGRIND, LeakSanitizer's library by $LEAKDEMO_LSAN_LIBRARY
// (set and empty: "not installed").

#include <optional>
#include <string>
#include <string_view>

#include "util/expected.hpp"

namespace leakdemo {

// The file `name` resolves to on `path_variable` (a $PATH value): the first executable regular file.
std::optional<std::string> find_on_path(std::string_view name, std::string_view path_variable);

// valgrind: `given` (--valgrind), else $LEAKDEMO_VALGRIND, else valgrind on $PATH. A given path that is not
// an executable file fails (exit 2); none found is nullopt.
Expected<std::optional<std::string>> find_valgrind(const std::string& given);

// The path of gcc's liblsan.so.0 for this process's architecture in `ldconfig -p`'s listing
// ("\tliblsan.so.0 (libc6,x86-64) => /lib/x86_64-linux-gnu/liblsan.so.0").
std::optional<std::string> lsan_in_ldconfig_listing(std::string_view listing);

// liblsan.so.0 as the dynamic linker would find it: $LEAKDEMO_LSAN_LIBRARY, else ldconfig's cache
// (`ldconfig -p`, ldconfig found on $PATH, /usr/sbin or /sbin). nullopt when it is not installed.
std::optional<std::string> find_lsan_library();

}  // namespace leakdemo
