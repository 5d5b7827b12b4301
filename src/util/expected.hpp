#pragma once

#include <optional>
#include <string>
#include <utility>

namespace leakdemo {

// The one result type of every fallible step (parsers, planning, a child's decoded line): a value, or a
// message in our own words. Who prints the message, and with which exit code, is decided in one place
// (app/), never where the failure is found. Messages from parsers complete "<flag>: <message>".
template <typename T>
class Expected {
  public:
    static Expected ok(T value) { return Expected(std::move(value), {}); }
    static Expected fail(std::string message) { return Expected(std::nullopt, std::move(message)); }

    explicit operator bool() const { return m_value.has_value(); }
    bool has_value() const { return m_value.has_value(); }
    const T& value() const& { return *m_value; }
    T& value() & { return *m_value; }
    T&& value() && { return std::move(*m_value); }
    const T& operator*() const& { return *m_value; }
    const T* operator->() const { return &*m_value; }
    const std::string& error() const { return m_error; }

  private:
    Expected(std::optional<T> value, std::string error)
        : m_value(std::move(value)), m_error(std::move(error)) {}
    std::optional<T> m_value;
    std::string m_error;
};

// A step that yields nothing but can fail.
struct Done {};
using Status = Expected<Done>;
inline Status success() {
    return Status::ok(Done{});
}

}  // namespace leakdemo
