#pragma once

#include <string>
#include <string_view>

#include "measure/record.hpp"
#include "measure/summary.hpp"

namespace leakdemo {

// Where records go: the table, CSV, JSON Lines, a file, the HTML report. One interface, many sinks.
class Sink {
  public:
    virtual ~Sink() = default;
    virtual void record(const Record& record) = 0;
    // A plain-language note (--explain), tied to the run (mode) and the iteration that caused it.
    virtual void note(Mode /*mode*/, std::uint64_t /*iteration*/, const std::string& /*text*/) {}
    virtual void summary(const Summary& /*summary*/) {}
    // `leakdemo live`: a key press (`key`: "l", "space" ...) after sample `iteration`, and what it did.
    virtual void event(std::uint64_t /*iteration*/, std::string_view /*key*/, const std::string& /*text*/) {}
};

}  // namespace leakdemo
