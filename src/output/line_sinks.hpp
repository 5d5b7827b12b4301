#pragma once

// The CSV and JSON Lines sinks, written once over the record type: a run's records (Sink) and watch's
// (WatchSink) go through the same code. The encoders are the schema table's (encode.hpp); the line buffer
// is kept and reused, so a line allocates nothing once the buffer has grown to it, and each line goes out
// whole in one LineWriter::write_line.
#include <fmt/format.h>

#include <string_view>

#include "output/encode.hpp"
#include "output/output.hpp"

namespace leakdemo {

// The CSV header of record type R, newline included (the schema table's keys).
template <typename R>
inline constexpr std::string_view csv_header_of{detail::csv_header_text<R>.data(),
                                                detail::csv_header_text<R>.size()};

// One kept buffer: cleared, filled by `encode(buffer)`, written as one line.
class EncodedLines {
  public:
    explicit EncodedLines(LineWriter& out) : m_out(out) {}
    template <typename Encode>
    void write(const Encode& encode) {
        m_line.clear();
        encode(m_line);
        m_out.write_line(m_line);
    }

  private:
    LineWriter& m_out;
    fmt::memory_buffer m_line;
};

// CSV: a header line before the first row; notes and the summary have no place in it.
template <typename Interface, typename RecordType>
class CsvLineSink final : public Interface {
  public:
    explicit CsvLineSink(LineWriter& out) : m_lines(out) {}
    void record(const RecordType& record) override {
        m_lines.write([&](fmt::memory_buffer& line) {
            if (!m_header_written) {
                line.append(csv_header_of<RecordType>);
                m_header_written = true;
            }
            append_csv_row(line, record);
        });
    }

  private:
    EncodedLines m_lines;
    bool m_header_written = false;
};

// JSON Lines: a sample record per sample and the summary record at the end. Notes (and live's events) are
// added by each interface's own final class: their arguments differ (a run's note names its mode).
template <typename Interface, typename RecordType, typename SummaryType>
class JsonlLineSink : public Interface {
  public:
    explicit JsonlLineSink(LineWriter& out) : m_lines(out) {}
    void record(const RecordType& record) override {
        m_lines.write([&](fmt::memory_buffer& line) { append_jsonl_sample(line, record); });
    }
    void summary(const SummaryType& summary) override {
        m_lines.write([&](fmt::memory_buffer& line) { append_jsonl_summary(line, summary); });
    }

  protected:
    EncodedLines m_lines;
};

}  // namespace leakdemo
