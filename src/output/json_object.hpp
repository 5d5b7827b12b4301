#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "util/units.hpp"

namespace leakdemo {

// A value of a flat JSON object: what leakdemo's own JSON Lines records contain. Integers (no fraction,
// no exponent) stay exact as int64; every other number is a double.
using JsonValue = std::variant<std::nullptr_t, bool, std::int64_t, double, std::string>;
using JsonObject = std::map<std::string, JsonValue, std::less<>>;

// Parses one line holding one flat JSON object: {"key": value, ...} where a value is a string, a number,
// true, false or null. Nested objects and arrays are refused: `compare` reads only our own flat records,
// and a message naming the position is more useful than a general parser's silence.
Expected<JsonObject> parse_json_object(std::string_view text);

// Typed look-ups; nullopt when the key is missing or holds another type.
std::optional<std::int64_t> json_int(const JsonObject& object, std::string_view key);
std::optional<std::uint64_t> json_uint(const JsonObject& object, std::string_view key);  // int >= 0
std::optional<double> json_number(const JsonObject& object, std::string_view key);       // int or double
std::optional<std::string> json_string(const JsonObject& object, std::string_view key);

}  // namespace leakdemo
