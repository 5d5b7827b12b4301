#pragma once

#include <memory>
#include <string_view>

#include "measure/record.hpp"
#include "measure/sink.hpp"
#include "measure/summary.hpp"
#include "output/human_summary.hpp"
#include "output/output.hpp"
#include "output/table.hpp"
#include "output/terminal.hpp"

namespace leakdemo {

enum class Format { automatic, table, csv, jsonl };

// The stable CSV header. Columns may be appended later, never inserted or renamed.
inline constexpr std::string_view csv_header =
    "iteration,elapsed_s,mode,block_bytes,requested_bytes,outstanding_bytes,leaked_bytes,rss_bytes,"
    "maxrss_bytes,vsz_bytes,minor_faults,major_faults,heap_arena_bytes,heap_mmap_bytes\n";

// The summary as one CSV row (--summary-only --format csv), same field names as the JSON summary.
inline constexpr std::string_view csv_summary_header =
    "mode,iterations,elapsed_s,block_bytes,requested_bytes,leaked_bytes,outstanding_bytes,rss_start_bytes,"
    "rss_end_bytes,rss_growth_bytes,rss_growth_per_iteration_bytes,maxrss_bytes,hwm_bytes,verdict,stop_"
    "reason,"
    "minor_faults,minor_faults_per_block\n";

// One line each, newline included, appended to `out`.
void append_csv_row(fmt::memory_buffer& out, const Record& record);
void append_jsonl_sample(fmt::memory_buffer& out, const Record& record);
void append_csv_summary_row(fmt::memory_buffer& out, const Summary& summary);
void append_jsonl_summary(fmt::memory_buffer& out, const Summary& summary);
void append_jsonl_note(fmt::memory_buffer& out, Mode mode, std::uint64_t iteration, std::string_view text);
// JSON string escaping (quotes included).
void append_json_string(fmt::memory_buffer& out, std::string_view text);

// Sinks writing one format to a LineWriter (the table: table.hpp).
std::unique_ptr<Sink> make_csv_sink(LineWriter& out);
std::unique_ptr<Sink> make_jsonl_sink(LineWriter& out);

}  // namespace leakdemo
