#include "output/formats.hpp"

#include <fmt/format.h>

#include <memory>

#include "output/line_sinks.hpp"

namespace leakdemo {
namespace {

// A run's JSON Lines: samples and the summary from the shared template, plus the run's notes and live's
// key-press events.
class JsonlSink final : public JsonlLineSink<Sink, Record, Summary> {
  public:
    using JsonlLineSink::JsonlLineSink;
    void note(Mode mode, std::uint64_t iteration, const std::string& text) override {
        m_lines.write([&](fmt::memory_buffer& line) { append_jsonl_note(line, mode, iteration, text); });
    }
    void event(std::uint64_t iteration, std::string_view key, const std::string& text) override {
        m_lines.write([&](fmt::memory_buffer& line) { append_jsonl_event(line, iteration, key, text); });
    }
};

}  // namespace

std::unique_ptr<Sink> make_csv_sink(LineWriter& out) {
    return std::make_unique<CsvLineSink<Sink, Record>>(out);
}
std::unique_ptr<Sink> make_jsonl_sink(LineWriter& out) {
    return std::make_unique<JsonlSink>(out);
}

}  // namespace leakdemo
