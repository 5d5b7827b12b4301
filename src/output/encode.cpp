// The writers: one walk over a record's field list (output/schema.hpp) per line, each value formatted
// straight into the caller's buffer.
#include "output/encode.hpp"

#include <cmath>
#include <optional>

namespace leakdemo {
namespace {

enum class Syntax { csv, json };

// JSON has no NaN or infinity; a slope of 0 samples is reported as 0.
double finite_or_zero(double value) {
    return std::isfinite(value) ? value : 0.0;
}

// One value, spelled as its member type and its wire form (schema.hpp) say. A member type without an
// overload here (a plain double without a wire form, an int) does not compile: the schema must say how.
template <Syntax syntax>
class ValueWriter {
  public:
    explicit ValueWriter(fmt::memory_buffer& out) : m_out(out) {}

    void operator()(std::uint64_t value, AsIs) { fmt::format_to(fmt::appender(m_out), "{}", value); }
    void operator()(std::int64_t value, AsIs) { fmt::format_to(fmt::appender(m_out), "{}", value); }
    void operator()(const std::optional<std::uint64_t>& value, AsIs) {
        if (value) {
            fmt::format_to(fmt::appender(m_out), "{}", *value);
        } else if (syntax == Syntax::json) {
            m_out.append(std::string_view("null"));
        }
    }
    // Enum names are fixed lower-case words: quoted in JSON, never escaped.
    template <NamedEnum E>
    void operator()(E value, AsIs) {
        if (syntax == Syntax::json) {
            m_out.push_back('"');
        }
        m_out.append(to_string(value));
        if (syntax == Syntax::json) {
            m_out.push_back('"');
        }
    }
    void operator()(std::string_view text, AsIs) {
        if constexpr (syntax == Syntax::json) {
            append_json_string(m_out, text);
        } else {
            append_csv_text(text);
        }
    }
    void operator()(std::int64_t nanoseconds, NanosecondsAsSeconds) {
        fmt::format_to(fmt::appender(m_out), "{:.6f}", static_cast<double>(nanoseconds) / 1e9);
    }
    template <int Decimals>
    void operator()(double value, Fixed<Decimals>) {
        fmt::format_to(fmt::appender(m_out), "{:.{}f}", finite_or_zero(value), Decimals);
    }
    template <int Decimals>
    void operator()(const std::optional<double>& value, Fixed<Decimals>) {
        if (value && std::isfinite(*value)) {
            fmt::format_to(fmt::appender(m_out), "{:.{}f}", *value, Decimals);
        } else if (syntax == Syntax::json) {
            m_out.append(std::string_view("null"));
        }
    }
    void operator()(double value, Rounded) {
        fmt::format_to(fmt::appender(m_out), "{}", std::llround(finite_or_zero(value)));
    }

  private:
    // RFC 4180: a text with a comma, quote or line break is quoted, its quotes doubled.
    void append_csv_text(std::string_view text) {
        if (text.find_first_of(",\"\r\n") == std::string_view::npos) {
            m_out.append(text);
            return;
        }
        m_out.push_back('"');
        for (const char c : text) {
            if (c == '"') {
                m_out.push_back('"');
            }
            m_out.push_back(c);
        }
        m_out.push_back('"');
    }

    fmt::memory_buffer& m_out;
};

template <typename R>
void append_csv(fmt::memory_buffer& out, const R& record) {
    ValueWriter<Syntax::csv> write(out);
    bool first = true;
    visit_fields(record, [&](std::string_view /*key*/, const auto& value, auto wire) {
        if (!first) {
            out.push_back(',');
        }
        first = false;
        write(value, wire);
    });
    out.push_back('\n');
}

// {"type":"<record type>","key":value,...}
template <typename R>
void append_jsonl_record(fmt::memory_buffer& out, const R& record) {
    ValueWriter<Syntax::json> write(out);
    out.append(std::string_view("{\"type\":\""));
    out.append(record_type<R>);
    out.push_back('"');
    visit_fields(record, [&](std::string_view key, const auto& value, auto wire) {
        out.append(std::string_view(",\""));
        out.append(key);
        out.append(std::string_view("\":"));
        write(value, wire);
    });
    out.append(std::string_view("}\n"));
}

// The CSV header of a record type whose fields are not known at compile time (a ScenarioRecord's point to
// its info): built once, from a blank record.
template <typename R>
std::string csv_header_of(const R& blank) {
    std::string header;
    visit_fields(blank, [&header](std::string_view key, const auto& /*value*/, auto /*wire*/) {
        header += header.empty() ? "" : ",";
        header += key;
    });
    return header + "\n";
}

}  // namespace

std::string_view csv_scenario_header() {
    static const std::string header = csv_header_of(ScenarioRecord{&scenario_infos[0]});
    return header;
}

std::string_view csv_check_header() {
    static const std::string header = csv_header_of(CheckRecord{});
    return header;
}

void append_csv_row(fmt::memory_buffer& out, const ScenarioRecord& record) {
    append_csv(out, record);
}

void append_csv_row(fmt::memory_buffer& out, const CheckRecord& record) {
    append_csv(out, record);
}

void append_jsonl(fmt::memory_buffer& out, const ScenarioRecord& record) {
    append_jsonl_record(out, record);
}

void append_jsonl(fmt::memory_buffer& out, const CheckRecord& record) {
    append_jsonl_record(out, record);
}

void append_csv_row(fmt::memory_buffer& out, const Record& record) {
    append_csv(out, record);
}

void append_csv_summary_row(fmt::memory_buffer& out, const Summary& summary) {
    append_csv(out, summary);
}

void append_jsonl_sample(fmt::memory_buffer& out, const Record& record) {
    append_jsonl_record(out, record);
}

void append_jsonl_summary(fmt::memory_buffer& out, const Summary& summary) {
    append_jsonl_record(out, summary);
}

void append_csv_row(fmt::memory_buffer& out, const WatchRecord& record) {
    append_csv(out, record);
}

void append_csv_summary_row(fmt::memory_buffer& out, const WatchSummary& summary) {
    append_csv(out, summary);
}

void append_jsonl_sample(fmt::memory_buffer& out, const WatchRecord& record) {
    append_jsonl_record(out, record);
}

void append_jsonl_summary(fmt::memory_buffer& out, const WatchSummary& summary) {
    append_jsonl_record(out, summary);
}

void append_jsonl_note(fmt::memory_buffer& out, Mode mode, std::uint64_t iteration, std::string_view text) {
    append_jsonl_record(out, NoteView{mode, iteration, text});
}

void append_jsonl_watch_note(fmt::memory_buffer& out, std::uint64_t iteration, std::string_view text) {
    append_jsonl_record(out, WatchNoteView{iteration, text});
}

void append_jsonl_event(fmt::memory_buffer& out, std::uint64_t iteration, std::string_view key,
                        std::string_view text) {
    append_jsonl_record(out, EventView{iteration, key, text});
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
                    fmt::format_to(fmt::appender(out), "\\u{:04x}", static_cast<unsigned>(c));
                } else {
                    out.push_back(c);
                }
        }
    }
    out.push_back('"');
}

}  // namespace leakdemo
