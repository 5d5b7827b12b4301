#include "output/terminal.hpp"

#include <langinfo.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <clocale>
#include <cstdlib>
#include <cstring>
#include <optional>
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

volatile sig_atomic_t g_resizes = 0;

extern "C" void on_resize(int /*signal_number*/) {
    g_resizes = g_resizes + 1;
}

// The terminal's own width, or nullopt when it cannot say (not a terminal, or a size of 0 in a pipe).
std::optional<int> window_width(int fd) {
    winsize size{};
    if (fd < 0 || ::ioctl(fd, TIOCGWINSZ, &size) != 0 || size.ws_col == 0) {
        return std::nullopt;
    }
    return std::max(static_cast<int>(size.ws_col), min_terminal_width);
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
    caps.fd = caps.is_tty ? fd : -1;

    // COLUMNS wins (scripts and tests set it); then the terminal's own size; then 80.
    if (const char* columns = std::getenv("COLUMNS"); columns != nullptr) {
        const long width = std::strtol(columns, nullptr, 10);
        if (width >= min_terminal_width && width <= 1000) {
            caps.width = static_cast<int>(width);
            return caps;
        }
    }
    if (const auto width = window_width(caps.fd)) {
        caps.width = *width;
    }
    return caps;
}

void install_resize_handler() {
    struct sigaction action {};
    action.sa_handler = on_resize;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART;
    sigaction(SIGWINCH, &action, nullptr);
}

bool refresh_width(TerminalCaps& caps, int& seen) {
    const int resizes = g_resizes;
    if (resizes == seen) {
        return false;
    }
    seen = resizes;
    if (const auto width = window_width(caps.fd)) {
        caps.width = *width;
    }
    return true;
}

}  // namespace leakdemo
