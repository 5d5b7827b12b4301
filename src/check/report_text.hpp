#pragma once

// Small text helpers shared by the checkers' report parsers.

#include <cstdint>
#include <optional>
#include <string_view>

namespace leakdemo {

// A decimal number at the start of `text`, digits with optional thousands commas ("3,145,728"), moved past;
// nullopt if there is none or it does not fit in 64 bits.
std::optional<std::uint64_t> take_number(std::string_view& text);

// The text between `<tag>` and `</tag>` in `xml`, starting the search at `from`; nullopt when absent.
std::optional<std::string_view> xml_element(std::string_view xml, std::string_view tag, std::size_t from = 0);

}  // namespace leakdemo
