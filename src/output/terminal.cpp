#include "output/terminal.hpp"

#include <langinfo.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <clocale>
#include <cstdlib>
#include <cstring>
#include <string_view>

namespace leakdemo {
namespace {

bool env_set(const char* name) {
    const char* value = std::getenv(name);
    return value != nullptr && value[0] != '\0';
}

bool locale_is_utf8() {
    // The user's locale, not the "C" locale a program starts in.
    for (const char* name : {"LC_ALL", "LC_CTYPE", "LANG"}) {
        const char* value = std::getenv(name);
        if (value != nullptr && value[0] != '\0') {
            const std::string_view text(value);
            return text.find("UTF-8") != std::string_view::npos ||
                   text.find("utf8") != std::string_view::npos ||
                   text.find("utf-8") != std::string_view::npos ||
                   text.find("UTF8") != std::string_view::npos;
        }
    }
    return false;
}

}  // namespace

TerminalCaps detect_terminal(int fd, ColorMode color_mode) {
    TerminalCaps caps;
    caps.is_tty = ::isatty(fd) == 1;
    const char* term = std::getenv("TERM");
    const bool dumb = term != nullptr && std::strcmp(term, "dumb") == 0;
    switch (color_mode) {
        case ColorMode::always:
            caps.color = true;
            break;
        case ColorMode::never:
            caps.color = false;
            break;
        case ColorMode::automatic:
            caps.color = caps.is_tty && !dumb && !env_set("NO_COLOR");
            break;
    }
    caps.unicode = locale_is_utf8();

    // COLUMNS wins (scripts and tests set it); then the terminal's own size; then 80.
    if (const char* columns = std::getenv("COLUMNS"); columns != nullptr) {
        const long width = std::strtol(columns, nullptr, 10);
        if (width >= 20 && width <= 1000) {
            caps.width = static_cast<int>(width);
            return caps;
        }
    }
    winsize size{};
    if (caps.is_tty && ::ioctl(fd, TIOCGWINSZ, &size) == 0 && size.ws_col >= 20) {
        caps.width = size.ws_col;
    }
    return caps;
}

}  // namespace leakdemo
