#pragma once

// leakdemo's CSV and JSON Lines writers, all driven by the field lists in output/schema.hpp. They run inside
// the measured process: each appends one line to a caller's reused buffer and allocates nothing.

#include <fmt/format.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "output/schema.hpp"

namespace leakdemo {

namespace detail {

// The CSV header of a record type, built at compile time from its field list: "key,key,...\n".
template <typename R>
constexpr std::size_t csv_header_size() {
    const R blank{};
    std::size_t size = 0;
    visit_fields(blank, [&size](std::string_view key, const auto& /*value*/, auto /*wire*/) {
        size += key.size() + 1;  // the comma after it, or the final newline
    });
    return size;
}

template <typename R>
constexpr std::array<char, csv_header_size<R>()> make_csv_header() {
    std::array<char, csv_header_size<R>()> text{};
    std::size_t at = 0;
    const R blank{};
    visit_fields(blank, [&text, &at](std::string_view key, const auto& /*value*/, auto /*wire*/) {
        if (at > 0) {
            text[at++] = ',';
        }
        for (const char c : key) {
            text[at++] = c;
        }
    });
    text[at] = '\n';
    return text;
}

template <typename R>
inline constexpr auto csv_header_text = make_csv_header<R>();

}  // namespace detail

// The stable CSV headers, newline included: the samples, and the summary as one CSV row (--summary-only
// --format csv) under the same field names as the JSON summary.
inline constexpr std::string_view csv_header{detail::csv_header_text<Record>.data(),
                                             detail::csv_header_text<Record>.size()};
inline constexpr std::string_view csv_summary_header{detail::csv_header_text<Summary>.data(),
                                                     detail::csv_header_text<Summary>.size()};
// The same for `leakdemo watch`'s samples and summary.
inline constexpr std::string_view csv_watch_header{detail::csv_header_text<WatchRecord>.data(),
                                                   detail::csv_header_text<WatchRecord>.size()};
inline constexpr std::string_view csv_watch_summary_header{detail::csv_header_text<WatchSummary>.data(),
                                                           detail::csv_header_text<WatchSummary>.size()};

// One line each, newline included, appended to `out`.
void append_csv_row(fmt::memory_buffer& out, const Record& record);
void append_csv_summary_row(fmt::memory_buffer& out, const Summary& summary);
void append_jsonl_sample(fmt::memory_buffer& out, const Record& record);
void append_jsonl_summary(fmt::memory_buffer& out, const Summary& summary);
void append_csv_row(fmt::memory_buffer& out, const WatchRecord& record);
void append_csv_summary_row(fmt::memory_buffer& out, const WatchSummary& summary);
void append_jsonl_sample(fmt::memory_buffer& out, const WatchRecord& record);
void append_jsonl_summary(fmt::memory_buffer& out, const WatchSummary& summary);
void append_jsonl_note(fmt::memory_buffer& out, Mode mode, std::uint64_t iteration, std::string_view text);
void append_jsonl_watch_note(fmt::memory_buffer& out, std::uint64_t iteration, std::string_view text);
// `leakdemo scenarios` and `leakdemo check` (not in the measured process). The CSV headers are the field
// lists' keys, as for the other records.
std::string_view csv_scenario_header();
std::string_view csv_check_header();
void append_csv_row(fmt::memory_buffer& out, const ScenarioRecord& record);
void append_csv_row(fmt::memory_buffer& out, const CheckRecord& record);
void append_jsonl(fmt::memory_buffer& out, const ScenarioRecord& record);
void append_jsonl(fmt::memory_buffer& out, const CheckRecord& record);
// `leakdemo live`: one key press (schema.hpp EventRecord).
void append_jsonl_event(fmt::memory_buffer& out, std::uint64_t iteration, std::string_view key,
                        std::string_view text);
// JSON string escaping (quotes included).
void append_json_string(fmt::memory_buffer& out, std::string_view text);

}  // namespace leakdemo
