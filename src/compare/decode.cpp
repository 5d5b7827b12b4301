#include "compare/decode.hpp"

#include <fmt/format.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <nlohmann/json.hpp>
#include <optional>

namespace leakdemo {
namespace {

using Json = nlohmann::json;
// What a value should have been, when it was not; nothing when the member was set.
using Mismatch = std::optional<std::string>;

// One reader per member type and wire form, the mirror of encode.cpp's ValueWriter.
Mismatch read_value(const Json& value, std::uint64_t& out, AsIs) {
    if (!value.is_number_unsigned()) {
        return "an integer from 0 to 18446744073709551615";
    }
    out = value.get<std::uint64_t>();
    return std::nullopt;
}

Mismatch read_value(const Json& value, std::int64_t& out, AsIs) {
    const bool fits = value.is_number_integer() &&
                      (!value.is_number_unsigned() ||
                       value.get<std::uint64_t>() <= std::uint64_t{std::numeric_limits<std::int64_t>::max()});
    if (!fits) {
        return "an integer from -9223372036854775808 to 9223372036854775807";
    }
    out = value.get<std::int64_t>();
    return std::nullopt;
}

Mismatch read_value(const Json& value, std::optional<std::uint64_t>& out, AsIs) {
    if (value.is_null()) {
        out.reset();
        return std::nullopt;
    }
    std::uint64_t number = 0;
    if (read_value(value, number, AsIs{})) {
        return "an integer from 0 to 18446744073709551615, or null";
    }
    out = number;
    return std::nullopt;
}

template <NamedEnum E>
Mismatch read_value(const Json& value, E& out, AsIs) {
    const auto named =
        value.is_string() ? enum_from_name<E>(value.get_ref<const std::string&>()) : std::nullopt;
    if (!named) {
        return enum_name_list<E>();
    }
    out = *named;
    return std::nullopt;
}

Mismatch read_value(const Json& value, std::string& out, AsIs) {
    if (!value.is_string()) {
        return "a string";
    }
    out = value.get<std::string>();
    return std::nullopt;
}

Mismatch read_value(const Json& value, std::int64_t& out, NanosecondsAsSeconds) {
    constexpr double max_seconds = 9.2e9;  // an int64 of nanoseconds holds 292 years
    if (!value.is_number() || !(std::fabs(value.get<double>()) < max_seconds)) {
        return "a number of seconds";
    }
    out = static_cast<std::int64_t>(std::llround(value.get<double>() * 1e9));
    return std::nullopt;
}

Mismatch read_number(const Json& value, double& out) {
    if (!value.is_number()) {
        return "a number";
    }
    out = value.get<double>();
    return std::nullopt;
}
template <int Decimals>
Mismatch read_value(const Json& value, double& out, Fixed<Decimals>) {
    return read_number(value, out);
}
template <int Decimals>
Mismatch read_value(const Json& value, std::optional<double>& out, Fixed<Decimals>) {
    if (value.is_null()) {
        out.reset();
        return std::nullopt;
    }
    double number = 0;
    if (read_number(value, number)) {
        return "a number, or null";
    }
    out = number;
    return std::nullopt;
}
Mismatch read_value(const Json& value, double& out, Rounded) {
    return read_number(value, out);
}

// Fills a record field by field from a JSON object; the first missing or mistyped field is the error.
template <typename R>
Expected<ChildRecord> read_record(const Json& object) {
    R record{};
    std::string error;
    visit_fields(record, [&object, &error](std::string_view key, auto& member, auto wire) {
        if (!error.empty()) {
            return;
        }
        const auto found = object.find(key);
        if (found == object.end()) {
            error = fmt::format("missing field '{}'", key);
        } else if (const Mismatch expected = read_value(*found, member, wire)) {
            error = fmt::format("field '{}' is {}, expected {}", key, found->dump(), *expected);
        }
    });
    if (!error.empty()) {
        return Expected<ChildRecord>::fail(fmt::format("a bad {}: {}", record_type<R>, error));
    }
    derive_fields(record);
    return Expected<ChildRecord>::ok(std::move(record));
}

}  // namespace

Expected<ChildRecord> decode_record_line(std::string_view line) {
    Json object;
    try {
        object = Json::parse(line);
    } catch (const Json::parse_error& error) {
        return Expected<ChildRecord>::fail(fmt::format("a line that is not JSON ({})", error.what()));
    }
    if (!object.is_object()) {
        return Expected<ChildRecord>::fail("a line that is not a JSON object");
    }
    const auto type = object.find("type");
    if (type == object.end() || !type->is_string()) {
        return Expected<ChildRecord>::fail("a line that is not a leakdemo record: no \"type\"");
    }
    const auto& name = type->get_ref<const std::string&>();
    if (name == record_type<Record>) {
        return read_record<Record>(object);
    }
    if (name == record_type<Summary>) {
        return read_record<Summary>(object);
    }
    if (name == record_type<NoteLine>) {
        return read_record<NoteLine>(object);
    }
    return Expected<ChildRecord>::ok(OtherRecord{name});
}

}  // namespace leakdemo
