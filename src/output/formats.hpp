#pragma once

#include <memory>
#include <string_view>

#include "measure/record.hpp"
#include "measure/sink.hpp"
#include "measure/summary.hpp"
#include "output/encode.hpp"
#include "output/human_summary.hpp"
#include "output/output.hpp"
#include "output/table.hpp"
#include "output/terminal.hpp"
#include "util/enum_names.hpp"

namespace leakdemo {

enum class Format { automatic, table, csv, jsonl };
template <>
inline constexpr auto enum_names<Format> = std::to_array<std::pair<Format, std::string_view>>(
    {{Format::automatic, "auto"}, {Format::table, "table"}, {Format::csv, "csv"}, {Format::jsonl, "jsonl"}});

// What --format auto means on stdout, for a run and every subcommand alike: the table on a terminal, CSV
// otherwise (a pipe, a file).
constexpr Format resolve_stdout_format(Format format, bool stdout_is_tty) {
    return format != Format::automatic ? format : stdout_is_tty ? Format::table : Format::csv;
}

// Sinks writing one format to a LineWriter (the table: table.hpp).
std::unique_ptr<Sink> make_csv_sink(LineWriter& out);
std::unique_ptr<Sink> make_jsonl_sink(LineWriter& out);

}  // namespace leakdemo
