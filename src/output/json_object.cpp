#include "output/json_object.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <cstdlib>
#include <limits>

namespace leakdemo {
namespace {

// A recursive-descent reader over one line. Every failure says what was expected and where.
class JsonReader {
  public:
    explicit JsonReader(std::string_view text) : m_text(text) {}

    Expected<JsonObject> object() {
        JsonObject result;
        skip_space();
        if (!consume('{')) {
            return fail("expected '{'");
        }
        skip_space();
        if (consume('}')) {
            return finish(std::move(result));
        }
        while (true) {
            skip_space();
            std::string key;
            if (!string(key)) {
                return fail(m_error.empty() ? "expected a string key" : m_error);
            }
            skip_space();
            if (!consume(':')) {
                return fail("expected ':'");
            }
            skip_space();
            JsonValue value;
            if (!this->value(value)) {
                return fail(m_error.empty() ? "expected a value" : m_error);
            }
            if (!result.emplace(std::move(key), std::move(value)).second) {
                return fail("duplicate key");
            }
            skip_space();
            if (consume('}')) {
                return finish(std::move(result));
            }
            if (!consume(',')) {
                return fail("expected ',' or '}'");
            }
        }
    }

  private:
    Expected<JsonObject> finish(JsonObject result) {
        skip_space();
        if (m_pos != m_text.size()) {
            return fail("unexpected text after the object");
        }
        return Expected<JsonObject>::ok(std::move(result));
    }

    Expected<JsonObject> fail(std::string_view what) const {
        return Expected<JsonObject>::fail(fmt::format("invalid JSON at byte {}: {}", m_pos, what));
    }

    bool at_end() const { return m_pos >= m_text.size(); }
    char peek() const { return at_end() ? '\0' : m_text[m_pos]; }

    bool consume(char c) {
        if (peek() == c && !at_end()) {
            ++m_pos;
            return true;
        }
        return false;
    }

    void skip_space() {
        while (!at_end() && (peek() == ' ' || peek() == '\t' || peek() == '\n' || peek() == '\r')) {
            ++m_pos;
        }
    }

    bool literal(std::string_view word) {
        if (m_text.substr(m_pos, word.size()) == word) {
            m_pos += word.size();
            return true;
        }
        return false;
    }

    bool value(JsonValue& out) {
        const char c = peek();
        if (c == '"') {
            std::string text;
            if (!string(text)) {
                return false;
            }
            out = std::move(text);
            return true;
        }
        if (c == '{' || c == '[') {
            m_error = "nested objects and arrays are not supported";
            return false;
        }
        if (literal("true")) {
            out = true;
            return true;
        }
        if (literal("false")) {
            out = false;
            return true;
        }
        if (literal("null")) {
            out = nullptr;
            return true;
        }
        return number(out);
    }

    // JSON's number grammar: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
    bool number(JsonValue& out) {
        const std::size_t start = m_pos;
        bool integral = true;
        consume('-');
        if (!consume('0') && !digits()) {
            m_error = "expected a value";
            return false;
        }
        if (consume('.')) {
            integral = false;
            if (!digits()) {
                m_error = "expected digits after '.'";
                return false;
            }
        }
        if (peek() == 'e' || peek() == 'E') {
            ++m_pos;
            integral = false;
            if (!consume('+')) {
                consume('-');
            }
            if (!digits()) {
                m_error = "expected digits in the exponent";
                return false;
            }
        }
        const std::string text(m_text.substr(start, m_pos - start));
        errno = 0;
        char* end = nullptr;
        if (integral) {
            const long long value = std::strtoll(text.c_str(), &end, 10);
            if (errno == ERANGE) {
                m_error = "integer out of range";
                return false;
            }
            out = static_cast<std::int64_t>(value);
        } else {
            out = std::strtod(text.c_str(), &end);
            if (errno == ERANGE) {
                m_error = "number out of range";
                return false;
            }
        }
        return true;
    }

    bool digits() {
        const std::size_t start = m_pos;
        while (!at_end() && peek() >= '0' && peek() <= '9') {
            ++m_pos;
        }
        return m_pos > start;
    }

    static int hex_digit(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }

    static void append_utf8(std::string& out, unsigned code) {
        if (code < 0x80) {
            out.push_back(static_cast<char>(code));
        } else if (code < 0x800) {
            out.push_back(static_cast<char>(0xC0 | (code >> 6)));
            out.push_back(static_cast<char>(0x80 | (code & 0x3F)));
        } else {
            out.push_back(static_cast<char>(0xE0 | (code >> 12)));
            out.push_back(static_cast<char>(0x80 | ((code >> 6) & 0x3F)));
            out.push_back(static_cast<char>(0x80 | (code & 0x3F)));
        }
    }

    bool string(std::string& out) {
        if (!consume('"')) {
            return false;
        }
        while (!at_end()) {
            const char c = m_text[m_pos++];
            if (c == '"') {
                return true;
            }
            if (static_cast<unsigned char>(c) < 0x20) {
                m_error = "control character in a string";
                return false;
            }
            if (c != '\\') {
                out.push_back(c);
                continue;
            }
            if (at_end()) {
                break;
            }
            const char escaped = m_text[m_pos++];
            switch (escaped) {
                case '"':
                case '\\':
                case '/':
                    out.push_back(escaped);
                    break;
                case 'b':
                    out.push_back('\b');
                    break;
                case 'f':
                    out.push_back('\f');
                    break;
                case 'n':
                    out.push_back('\n');
                    break;
                case 'r':
                    out.push_back('\r');
                    break;
                case 't':
                    out.push_back('\t');
                    break;
                case 'u': {
                    // Basic Multilingual Plane only: our own records escape nothing above U+001F.
                    unsigned code = 0;
                    for (int i = 0; i < 4; ++i) {
                        const int d = at_end() ? -1 : hex_digit(m_text[m_pos++]);
                        if (d < 0) {
                            m_error = "bad \\u escape";
                            return false;
                        }
                        code = code * 16 + static_cast<unsigned>(d);
                    }
                    append_utf8(out, code);
                    break;
                }
                default:
                    m_error = "bad escape in a string";
                    return false;
            }
        }
        m_error = "unterminated string";
        return false;
    }

    std::string_view m_text;
    std::size_t m_pos = 0;
    std::string m_error;
};

template <typename T>
const T* find_as(const JsonObject& object, std::string_view key) {
    const auto found = object.find(key);
    return found == object.end() ? nullptr : std::get_if<T>(&found->second);
}

}  // namespace

Expected<JsonObject> parse_json_object(std::string_view text) {
    return JsonReader(text).object();
}

std::optional<std::int64_t> json_int(const JsonObject& object, std::string_view key) {
    if (const auto* value = find_as<std::int64_t>(object, key)) {
        return *value;
    }
    return std::nullopt;
}

std::optional<std::uint64_t> json_uint(const JsonObject& object, std::string_view key) {
    const auto value = json_int(object, key);
    if (!value || *value < 0) {
        return std::nullopt;
    }
    return static_cast<std::uint64_t>(*value);
}

std::optional<double> json_number(const JsonObject& object, std::string_view key) {
    if (const auto* value = find_as<double>(object, key)) {
        return *value;
    }
    if (const auto value = json_int(object, key)) {
        return static_cast<double>(*value);
    }
    return std::nullopt;
}

std::optional<std::string> json_string(const JsonObject& object, std::string_view key) {
    if (const auto* value = find_as<std::string>(object, key)) {
        return *value;
    }
    return std::nullopt;
}

}  // namespace leakdemo
