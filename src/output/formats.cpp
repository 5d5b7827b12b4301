#include "output/formats.hpp"

#include <fmt/format.h>

#include <cmath>
#include <iterator>

#include "util/units.hpp"

namespace leakdemo {
namespace {

double seconds(std::int64_t ns) {
    return static_cast<double>(ns) / 1e9;
}

// JSON has no NaN or infinity; a slope of 0 samples is reported as 0.
double finite_or_zero(double value) {
    return std::isfinite(value) ? value : 0.0;
}

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

  private:
    LineWriter& m_out;
    fmt::memory_buffer m_line;
};

}  // namespace

void append_csv_row(fmt::memory_buffer& out, const Record& r) {
    const MemorySample& s = r.sample;
    fmt::format_to(std::back_inserter(out), "{},{:.6f},{},{},{},{},{},{},{},{},{},{},{},{}\n", r.iteration,
                   seconds(r.elapsed_ns), to_string(r.mode), r.block_bytes, r.counters.requested_bytes,
                   r.counters.outstanding_bytes, r.counters.leaked_bytes, s.rss_bytes, s.maxrss_bytes,
                   s.vsz_bytes, s.minor_faults, s.major_faults, s.heap_arena_bytes, s.heap_mmap_bytes);
}

void append_jsonl_sample(fmt::memory_buffer& out, const Record& r) {
    const MemorySample& s = r.sample;
    // Modes are fixed lower-case words: no escaping needed for them.
    fmt::format_to(std::back_inserter(out),
                   "{{\"type\":\"sample\",\"iteration\":{},\"elapsed_s\":{:.6f},\"mode\":\"{}\","
                   "\"block_bytes\":{},\"requested_bytes\":{},\"outstanding_bytes\":{},\"leaked_bytes\":{},"
                   "\"rss_bytes\":{},\"maxrss_bytes\":{},\"vsz_bytes\":{},\"minor_faults\":{},"
                   "\"major_faults\":{},\"heap_arena_bytes\":{},\"heap_mmap_bytes\":{}}}\n",
                   r.iteration, seconds(r.elapsed_ns), to_string(r.mode), r.block_bytes,
                   r.counters.requested_bytes, r.counters.outstanding_bytes, r.counters.leaked_bytes,
                   s.rss_bytes, s.maxrss_bytes, s.vsz_bytes, s.minor_faults, s.major_faults,
                   s.heap_arena_bytes, s.heap_mmap_bytes);
}

void append_csv_summary_row(fmt::memory_buffer& out, const Summary& s) {
    auto it = std::back_inserter(out);
    fmt::format_to(it, "{},{},{:.6f},{},{},{},{},{},{},{},{},{},", to_string(s.mode), s.iterations,
                   finite_or_zero(s.elapsed_s), s.block_bytes, s.requested_bytes, s.leaked_bytes,
                   s.outstanding_bytes, s.rss_start_bytes, s.rss_end_bytes, s.rss_growth_bytes,
                   std::llround(finite_or_zero(s.rss_growth_per_iteration_bytes)), s.maxrss_bytes);
    if (s.hwm_bytes) {
        fmt::format_to(it, "{}", *s.hwm_bytes);
    }
    fmt::format_to(it, ",{},{},{},{:.1f}\n", to_string(s.verdict), to_string(s.stop_reason), s.minor_faults,
                   finite_or_zero(s.minor_faults_per_block));
}

void append_jsonl_summary(fmt::memory_buffer& out, const Summary& s) {
    auto it = std::back_inserter(out);
    fmt::format_to(it,
                   "{{\"type\":\"summary\",\"mode\":\"{}\",\"iterations\":{},\"elapsed_s\":{:.6f},"
                   "\"block_bytes\":{},\"requested_bytes\":{},\"leaked_bytes\":{},\"outstanding_bytes\":{},"
                   "\"rss_start_bytes\":{},\"rss_end_bytes\":{},\"rss_growth_bytes\":{},"
                   "\"rss_growth_per_iteration_bytes\":{},\"maxrss_bytes\":{},\"hwm_bytes\":",
                   to_string(s.mode), s.iterations, finite_or_zero(s.elapsed_s), s.block_bytes,
                   s.requested_bytes, s.leaked_bytes, s.outstanding_bytes, s.rss_start_bytes, s.rss_end_bytes,
                   s.rss_growth_bytes, std::llround(finite_or_zero(s.rss_growth_per_iteration_bytes)),
                   s.maxrss_bytes);
    if (s.hwm_bytes) {
        fmt::format_to(it, "{}", *s.hwm_bytes);
    } else {
        out.append(std::string_view("null"));
    }
    fmt::format_to(it,
                   ",\"verdict\":\"{}\",\"stop_reason\":\"{}\",\"minor_faults\":{},"
                   "\"minor_faults_per_block\":{:.1f}}}\n",
                   to_string(s.verdict), to_string(s.stop_reason), s.minor_faults,
                   finite_or_zero(s.minor_faults_per_block));
}

void append_jsonl_note(fmt::memory_buffer& out, Mode mode, std::uint64_t iteration, std::string_view text) {
    fmt::format_to(std::back_inserter(out),
                   "{{\"type\":\"note\",\"mode\":\"{}\",\"iteration\":{},\"text\":", to_string(mode),
                   iteration);
    append_json_string(out, text);
    out.append(std::string_view("}\n"));
}

void append_json_string(fmt::memory_buffer& out, std::string_view text) {
    out.push_back('"');
    for (const char c : text) {
        switch (c) {
            case '"':
                out.append(std::string_view("\\\""));
                break;
            case '\\':
                out.append(std::string_view("\\\\"));
                break;
            case '\n':
                out.append(std::string_view("\\n"));
                break;
            case '\r':
                out.append(std::string_view("\\r"));
                break;
            case '\t':
                out.append(std::string_view("\\t"));
                break;
            default:
                if (static_cast<unsigned char>(c) < 0x20) {
                    fmt::format_to(std::back_inserter(out), "\\u{:04x}", static_cast<unsigned>(c));
                } else {
                    out.push_back(c);
                }
        }
    }
    out.push_back('"');
}

std::unique_ptr<Sink> make_csv_sink(LineWriter& out) {
    return std::make_unique<CsvSink>(out);
}
std::unique_ptr<Sink> make_jsonl_sink(LineWriter& out) {
    return std::make_unique<JsonlSink>(out);
}

}  // namespace leakdemo
