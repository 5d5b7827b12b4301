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

// Colours by ANSI escape; only used when TerminalCaps::color says so.
constexpr std::string_view bold = "\033[1m";
constexpr std::string_view red = "\033[31m";
constexpr std::string_view green = "\033[32m";
constexpr std::string_view reset = "\033[0m";

class TableSink final : public Sink {
  public:
    TableSink(LineWriter& out, const TerminalCaps& caps, Mode mode)
        : m_out(out), m_caps(caps), m_mode(mode) {}

    void record(const Record& record) override {
        m_line.clear();
        if (!m_header_written) {
            const std::string_view held = m_mode == Mode::hold ? "held" : "leaked";
            paint(bold, fmt::format("{:>6} {:>9} {:>11} {:>11} {:>11} {:>11} {:>12}", "iter", "elapsed", held,
                                    "rss", "max rss", m_caps.unicode ? "Δ rss" : "d rss", "minor faults"));
            m_line.push_back('\n');
            m_header_written = true;
        }
        const std::uint64_t kept =
            m_mode == Mode::hold ? record.counters.outstanding_bytes : record.counters.leaked_bytes;
        fmt::format_to(std::back_inserter(m_line), "{:>6} {:>8.2f}s ", record.iteration,
                       seconds(record.elapsed_ns));
        paint(kept > 0 ? red : std::string_view{}, fmt::format("{:>11}", format_bytes(kept)));
        fmt::format_to(std::back_inserter(m_line), " {:>11} {:>11} ", format_bytes(record.sample.rss_bytes),
                       format_bytes(record.sample.maxrss_bytes));
        if (m_previous_rss) {
            const auto delta = static_cast<std::int64_t>(record.sample.rss_bytes) -
                               static_cast<std::int64_t>(*m_previous_rss);
            const std::string_view colour = delta > 0 ? red : (delta < 0 ? green : std::string_view{});
            paint(colour, fmt::format("{:>11}", format_signed_bytes(delta)));
        } else {
            fmt::format_to(std::back_inserter(m_line), "{:>11}", m_caps.unicode ? "—" : "-");
        }
        fmt::format_to(std::back_inserter(m_line), " {:>12}\n", record.sample.minor_faults);
        m_previous_rss = record.sample.rss_bytes;
        m_out.write_line(m_line);
    }

    void note(Mode /*mode*/, std::uint64_t /*iteration*/, const std::string& text) override {
        m_line.clear();
        fmt::format_to(std::back_inserter(m_line), "       {} {}\n", m_caps.unicode ? "↳" : ">", text);
        m_out.write_line(m_line);
    }

  private:
    void paint(std::string_view colour, std::string_view text) {
        const bool use = m_caps.color && !colour.empty();
        if (use) {
            m_line.append(colour);
        }
        m_line.append(text);
        if (use) {
            m_line.append(reset);
        }
    }

    LineWriter& m_out;
    TerminalCaps m_caps;
    Mode m_mode;
    fmt::memory_buffer m_line;
    bool m_header_written = false;
    std::optional<std::uint64_t> m_previous_rss;
};

}  // namespace

std::string format_human_summary(const Summary& s, bool color) {
    const auto paint = [color](std::string_view colour, const std::string& text) {
        return color ? fmt::format("{}{}{}", colour, text, reset) : text;
    };
    std::string text = fmt::format("leakdemo: {} mode, {} iteration{} of {} in {:.2f} s ({})\n",
                                   to_string(s.mode), s.iterations, s.iterations == 1 ? "" : "s",
                                   format_bytes(s.block_bytes), s.elapsed_s, to_string(s.stop_reason));
    text += fmt::format("  requested    {}\n", format_bytes(s.requested_bytes));
    text += fmt::format("  leaked       {}{}\n", format_bytes(s.leaked_bytes),
                        s.leaked_bytes > 0 ? " (no pointer left: unreachable until exit)" : "");
    if (s.outstanding_bytes != s.leaked_bytes) {
        text += fmt::format("  held         {} (still reachable, freed at exit)\n",
                            format_bytes(s.outstanding_bytes - s.leaked_bytes));
    }
    text += fmt::format("  RSS          {} -> {} ({}; {} per iteration)\n", format_bytes(s.rss_start_bytes),
                        format_bytes(s.rss_end_bytes), format_signed_bytes(s.rss_growth_bytes),
                        format_signed_bytes(std::llround(finite_or_zero(s.rss_growth_per_iteration_bytes))));
    text += fmt::format("  peak         {} (VmHWM), {} (ru_maxrss, a high-water mark)\n",
                        s.hwm_bytes ? format_bytes(*s.hwm_bytes) : std::string("unknown"),
                        format_bytes(s.maxrss_bytes));
    if (s.iterations > 0) {
        text += fmt::format("  faults       {:.1f} minor page faults per block ({} in all)\n",
                            s.minor_faults_per_block, s.minor_faults);
    }
    const std::string verdict(to_string(s.verdict));
    text += fmt::format("  verdict      {}\n", paint(s.verdict == Verdict::leaking ? red : green, verdict));
    return text;
}

std::unique_ptr<Sink> make_csv_sink(LineWriter& out) {
    return std::make_unique<CsvSink>(out);
}
std::unique_ptr<Sink> make_jsonl_sink(LineWriter& out) {
    return std::make_unique<JsonlSink>(out);
}
std::unique_ptr<Sink> make_table_sink(LineWriter& out, const TerminalCaps& caps, Mode mode) {
    return std::make_unique<TableSink>(out, caps, mode);
}

}  // namespace leakdemo
