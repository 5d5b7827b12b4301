#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace leakdemo {

// One name table per enum, beside the enum: `to_string`, `enum_from_name`, the CLI's choices and the
// decoders all read it, so a name is spelled once. An enum opts in with
//     template <> inline constexpr auto enum_names<Mode> = std::to_array<std::pair<Mode,
//     std::string_view>>(...);
template <typename E>
inline constexpr std::array<std::pair<E, std::string_view>, 0> enum_names{};

template <typename E>
concept NamedEnum = std::is_enum_v<E> &&(enum_names<E>.size() > 0);

template <NamedEnum E>
constexpr std::string_view to_string(E value) {
    for (const auto& [candidate, name] : enum_names<E>) {
        if (candidate == value) {
            return name;
        }
    }
    return "?";
}

// Exact, case-sensitive match; nullopt for any other text.
template <NamedEnum E>
constexpr std::optional<E> enum_from_name(std::string_view text) {
    for (const auto& [candidate, name] : enum_names<E>) {
        if (name == text) {
            return candidate;
        }
    }
    return std::nullopt;
}

// "leak, free or hold": the names for a message.
template <NamedEnum E>
std::string enum_name_list(std::string_view last_separator = " or ") {
    std::string list;
    const std::size_t count = enum_names<E>.size();
    for (std::size_t i = 0; i < count; ++i) {
        if (i > 0) {
            list += (i + 1 == count) ? last_separator : std::string_view(", ");
        }
        list += enum_names<E>[i].second;
    }
    return list;
}

}  // namespace leakdemo
