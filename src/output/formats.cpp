#include "output/formats.hpp"

#include <fmt/format.h>

#include <memory>

namespace leakdemo {
namespace {

class CsvSink final : public Sink {
  public:
    explicit CsvSink(LineWriter& out) : m_out(out) {}
    void record(const Record& record) override {
        m_line.clear();
        if (!m_header_written) {
            m_line.append(csv_header);
            m_header_written = true;
        }
        append_csv_row(m_line, record);
        m_out.write_line(m_line);
    }

  private:
    LineWriter& m_out;
    fmt::memory_buffer m_line;
    bool m_header_written = false;
};

class JsonlSink final : public Sink {
  public:
    explicit JsonlSink(LineWriter& out) : m_out(out) {}
    void record(const Record& record) override {
        m_line.clear();
        append_jsonl_sample(m_line, record);
        m_out.write_line(m_line);
    }
    void note(Mode mode, std::uint64_t iteration, const std::string& text) override {
        m_line.clear();
        append_jsonl_note(m_line, mode, iteration, text);
        m_out.write_line(m_line);
    }
    void summary(const Summary& summary) override {
        m_line.clear();
        append_jsonl_summary(m_line, summary);
        m_out.write_line(m_line);
    }
    void event(std::uint64_t iteration, std::string_view key, const std::string& text) override {
        m_line.clear();
        append_jsonl_event(m_line, iteration, key, text);
        m_out.write_line(m_line);
    }

  private:
    LineWriter& m_out;
    fmt::memory_buffer m_line;
};

}  // namespace

std::unique_ptr<Sink> make_csv_sink(LineWriter& out) {
    return std::make_unique<CsvSink>(out);
}
std::unique_ptr<Sink> make_jsonl_sink(LineWriter& out) {
    return std::make_unique<JsonlSink>(out);
}

}  // namespace leakdemo
