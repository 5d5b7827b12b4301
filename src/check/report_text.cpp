#include "check/report_text.hpp"

#include <string>

namespace leakdemo {

std::optional<std::uint64_t> take_number(std::string_view& text) {
    std::uint64_t value = 0;
    std::size_t used = 0;
    bool any_digit = false;
    while (used < text.size()) {
        const char c = text[used];
        if (c == ',' && any_digit && used + 1 < text.size() && text[used + 1] >= '0' &&
            text[used + 1] <= '9') {
            ++used;
            continue;
        }
        if (c < '0' || c > '9') {
            break;
        }
        const auto digit = static_cast<std::uint64_t>(c - '0');
        if (value > (UINT64_MAX - digit) / 10) {
            return std::nullopt;
        }
        value = value * 10 + digit;
        any_digit = true;
        ++used;
    }
    if (!any_digit) {
        return std::nullopt;
    }
    text.remove_prefix(used);
    return value;
}

std::optional<std::string_view> xml_element(std::string_view xml, std::string_view tag, std::size_t from) {
    const std::string open = "<" + std::string(tag) + ">";
    const std::string close = "</" + std::string(tag) + ">";
    const auto start = xml.find(open, from);
    if (start == std::string_view::npos) {
        return std::nullopt;
    }
    const auto begin = start + open.size();
    const auto end = xml.find(close, begin);
    if (end == std::string_view::npos) {
        return std::nullopt;
    }
    return xml.substr(begin, end - begin);
}

}  // namespace leakdemo
