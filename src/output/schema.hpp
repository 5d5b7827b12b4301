#pragma once

// The one description of leakdemo's records: which fields a sample, a note and a summary have, in which
// order, under which key, and how each is spelled on the wire. The CSV header, the CSV row, the JSON Lines
// writer (output/encode.cpp) and compare's JSON Lines reader (compare/decode.cpp) all walk these lists, so
// they cannot drift apart. Adding a column is one line below; columns may be appended, never inserted or
// renamed (scripts read them by position and by name).

#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>

#include "measure/record.hpp"
#include "measure/scenario_info.hpp"
#include "measure/summary.hpp"
#include "measure/watch_record.hpp"

namespace leakdemo {

// How a field's value is written and read back. The member's C++ type says the rest: an unsigned or signed
// integer is a plain number, a named enum its name (quoted in JSON), an optional integer the number or
// nothing (JSON null), text a JSON string.
struct AsIs {};
struct NanosecondsAsSeconds {};  // an int64 of nanoseconds, written as seconds with 6 decimals
template <int Decimals>
struct Fixed {};    // a double with that many decimals; NaN and infinities are written as 0
struct Rounded {};  // a double written as the nearest integer (byte figures per iteration)

// An --explain note as a line of JSON Lines. `Text` is std::string_view when written (the measured process
// must not copy it) and std::string when read back.
template <typename Text>
struct NoteRecord {
    Mode mode = Mode::leak;
    std::uint64_t iteration = 0;
    Text text{};
};
using NoteView = NoteRecord<std::string_view>;

// An --explain note of `leakdemo watch`: about a sample of a program that is not ours, so no mode.
template <typename Text>
struct WatchNoteRecord {
    std::uint64_t iteration = 0;  // the sample the note is about
    Text text{};
};
using WatchNoteView = WatchNoteRecord<std::string_view>;

// `leakdemo scenarios`: one mode's line of the zoo (measure/scenario_info.hpp).
struct ScenarioRecord {
    const ScenarioInfo* info = nullptr;
};

// `leakdemo check`: what one leak checker said about one run, beside what leakdemo expected.
enum class Checker { valgrind, lsan };
template <>
inline constexpr auto enum_names<Checker> = std::to_array<std::pair<Checker, std::string_view>>(
    {{Checker::valgrind, "valgrind"}, {Checker::lsan, "lsan"}});
enum class CheckVerdict { agrees, disagrees };
template <>
inline constexpr auto enum_names<CheckVerdict> = std::to_array<std::pair<CheckVerdict, std::string_view>>(
    {{CheckVerdict::agrees, "agrees"}, {CheckVerdict::disagrees, "disagrees"}});

struct CheckRecord {
    Checker checker = Checker::valgrind;
    Mode mode = Mode::leak;
    std::uint64_t iterations = 0;
    std::uint64_t block_bytes = 0;
    CheckVerdict verdict = CheckVerdict::agrees;
    // What the checker is expected to say (for LSan: its direct and indirect leaks; null where it is
    // silent by design), and what it said.
    std::optional<std::uint64_t> expected[8]{};
    std::optional<std::uint64_t> reported[8]{};
};
// The eight figures of a CheckRecord, in order: each category's bytes, then its blocks.
inline constexpr std::string_view check_figure_keys[8] = {
    "definitely_lost_bytes", "definitely_lost_blocks", "indirectly_lost_bytes", "indirectly_lost_blocks",
    "possibly_lost_bytes",   "possibly_lost_blocks",   "still_reachable_bytes", "still_reachable_blocks"};

// `leakdemo live`: a key press, at the iteration whose sample came last, and what it did in words
// (docs/live.md). `Text` as for NoteRecord.
template <typename Text>
struct EventRecord {
    std::uint64_t iteration = 0;
    Text key{};   // "l", "space", "+" ...
    Text text{};  // what the key did, with measured figures
};
using EventView = EventRecord<std::string_view>;

template <typename R, typename Plain>
concept RecordOf = std::is_same_v<std::remove_const_t<R>, Plain>;

// The JSON Lines "type" of each record.
template <typename R>
inline constexpr std::string_view record_type = "";
template <>
inline constexpr std::string_view record_type<Record> = "sample";
template <>
inline constexpr std::string_view record_type<Summary> = "summary";
template <typename Text>
inline constexpr std::string_view record_type<NoteRecord<Text>> = "note";
template <typename Text>
inline constexpr std::string_view record_type<EventRecord<Text>> = "event";
template <>
inline constexpr std::string_view record_type<WatchRecord> = "watch_sample";
template <>
inline constexpr std::string_view record_type<WatchSummary> = "watch_summary";
template <typename Text>
inline constexpr std::string_view record_type<WatchNoteRecord<Text>> = "watch_note";
template <>
inline constexpr std::string_view record_type<ScenarioRecord> = "scenario";
template <>
inline constexpr std::string_view record_type<CheckRecord> = "check";

// visit_fields(record, visit) calls visit(key, member, wire) for each field in output order; `record` may
// be const (writers) or not (the reader fills it).
template <RecordOf<Record> R, typename Visit>
constexpr void visit_fields(R& r, Visit&& visit) {
    visit("iteration", r.iteration, AsIs{});
    visit("elapsed_s", r.elapsed_ns, NanosecondsAsSeconds{});
    visit("mode", r.mode, AsIs{});
    visit("block_bytes", r.block_bytes, AsIs{});
    visit("requested_bytes", r.counters.requested_bytes, AsIs{});
    visit("outstanding_bytes", r.counters.outstanding_bytes, AsIs{});
    visit("leaked_bytes", r.counters.leaked_bytes, AsIs{});
    visit("rss_bytes", r.sample.rss_bytes, AsIs{});
    visit("maxrss_bytes", r.sample.maxrss_bytes, AsIs{});
    visit("vsz_bytes", r.sample.vsz_bytes, AsIs{});
    visit("minor_faults", r.sample.minor_faults, AsIs{});
    visit("major_faults", r.sample.major_faults, AsIs{});
    visit("heap_arena_bytes", r.sample.heap_arena_bytes, AsIs{});
    visit("heap_mmap_bytes", r.sample.heap_mmap_bytes, AsIs{});
}

template <RecordOf<Summary> S, typename Visit>
constexpr void visit_fields(S& s, Visit&& visit) {
    visit("mode", s.mode, AsIs{});
    visit("iterations", s.iterations, AsIs{});
    visit("elapsed_s", s.elapsed_s, Fixed<6>{});
    visit("block_bytes", s.block_bytes, AsIs{});
    visit("requested_bytes", s.requested_bytes, AsIs{});
    visit("leaked_bytes", s.leaked_bytes, AsIs{});
    visit("outstanding_bytes", s.outstanding_bytes, AsIs{});
    visit("rss_start_bytes", s.rss_start_bytes, AsIs{});
    visit("rss_end_bytes", s.rss_end_bytes, AsIs{});
    visit("rss_growth_bytes", s.rss_growth_bytes, AsIs{});
    visit("rss_growth_per_iteration_bytes", s.rss_growth_per_iteration_bytes, Rounded{});
    visit("maxrss_bytes", s.maxrss_bytes, AsIs{});
    visit("hwm_bytes", s.hwm_bytes, AsIs{});  // null when VmHWM was unreadable
    visit("verdict", s.verdict, AsIs{});
    visit("stop_reason", s.stop_reason, AsIs{});
    visit("minor_faults", s.minor_faults, AsIs{});
    visit("minor_faults_per_block", s.minor_faults_per_block, Fixed<1>{});
    visit("budget_bytes", s.budget_bytes, AsIs{});      // null without a guard
    visit("budget_eta_s", s.budget_eta_s, Fixed<1>{});  // null when memory is not growing
    // What leakdemo expects valgrind and LeakSanitizer to report at exit (payload bytes, blocks).
    visit("definitely_lost_bytes", s.expected.definitely_lost_bytes, AsIs{});
    visit("definitely_lost_blocks", s.expected.definitely_lost_blocks, AsIs{});
    visit("indirectly_lost_bytes", s.expected.indirectly_lost_bytes, AsIs{});
    visit("indirectly_lost_blocks", s.expected.indirectly_lost_blocks, AsIs{});
    visit("possibly_lost_bytes", s.expected.possibly_lost_bytes, AsIs{});
    visit("possibly_lost_blocks", s.expected.possibly_lost_blocks, AsIs{});
    visit("still_reachable_bytes", s.expected.still_reachable_bytes, AsIs{});
    visit("still_reachable_blocks", s.expected.still_reachable_blocks, AsIs{});
    visit("untracked_bytes", s.expected.untracked_bytes, AsIs{});
}

// `leakdemo watch`: a sample of the watched tree, and its summary (docs/watch.md).
template <RecordOf<WatchRecord> R, typename Visit>
constexpr void visit_fields(R& r, Visit&& visit) {
    visit("iteration", r.iteration, AsIs{});
    visit("elapsed_s", r.elapsed_ns, NanosecondsAsSeconds{});
    visit("pid", r.pid, AsIs{});
    visit("processes", r.processes, AsIs{});
    visit("rss_bytes", r.rss_bytes, AsIs{});
    visit("hwm_bytes", r.hwm_bytes, AsIs{});
    visit("vsz_bytes", r.vsz_bytes, AsIs{});
    visit("rss_anon_bytes", r.rss_anon_bytes, AsIs{});
    visit("rss_file_bytes", r.rss_file_bytes, AsIs{});
    visit("rss_shmem_bytes", r.rss_shmem_bytes, AsIs{});
    visit("pss_bytes", r.pss_bytes, AsIs{});  // null when smaps_rollup is unreadable
    visit("uss_bytes", r.uss_bytes, AsIs{});
    visit("minor_faults", r.minor_faults, AsIs{});
    visit("major_faults", r.major_faults, AsIs{});
    visit("budget_eta_s", r.budget_eta_s, Fixed<1>{});
}

template <RecordOf<WatchSummary> S, typename Visit>
constexpr void visit_fields(S& s, Visit&& visit) {
    visit("pid", s.pid, AsIs{});
    visit("samples", s.samples, AsIs{});
    visit("elapsed_s", s.elapsed_s, Fixed<6>{});
    visit("metric", s.metric, AsIs{});
    visit("verdict", s.verdict, AsIs{});
    visit("slope_bytes_per_s", s.slope_bytes_per_s, Fixed<1>{});
    visit("leak_rate_bytes_per_s", s.leak_rate_bytes_per_s, Fixed<1>{});
    visit("warmup_s", s.warmup_s, Fixed<3>{});
    visit("rss_start_bytes", s.rss_start_bytes, AsIs{});
    visit("rss_end_bytes", s.rss_end_bytes, AsIs{});
    visit("peak_rss_bytes", s.peak_rss_bytes, AsIs{});
    visit("peak_pss_bytes", s.peak_pss_bytes, AsIs{});
    visit("hwm_bytes", s.hwm_bytes, AsIs{});
    visit("max_processes", s.max_processes, AsIs{});
    visit("exit_status", s.exit_status, AsIs{});
    visit("stop_reason", s.stop_reason, AsIs{});
    visit("budget_bytes", s.budget_bytes, AsIs{});
    visit("budget_eta_s", s.budget_eta_s, Fixed<1>{});
}

template <typename N, typename Visit>
requires(RecordOf<N, NoteRecord<std::string_view>> ||
         RecordOf<N, NoteRecord<std::string>>) constexpr void visit_fields(N& n, Visit&& visit) {
    visit("mode", n.mode, AsIs{});
    visit("iteration", n.iteration, AsIs{});
    visit("text", n.text, AsIs{});
}

template <typename N, typename Visit>
requires(RecordOf<N, WatchNoteRecord<std::string_view>> ||
         RecordOf<N, WatchNoteRecord<std::string>>) constexpr void visit_fields(N& n, Visit&& visit) {
    visit("iteration", n.iteration, AsIs{});
    visit("text", n.text, AsIs{});
}

template <RecordOf<ScenarioRecord> S, typename Visit>
constexpr void visit_fields(S& s, Visit&& visit) {
    visit("mode", s.info->mode, AsIs{});
    visit("pattern", s.info->pattern, AsIs{});
    visit("valgrind", s.info->valgrind, AsIs{});
    visit("lsan", s.info->lsan, AsIs{});
    visit("rss", s.info->rss, AsIs{});
    visit("lesson", s.info->lesson, AsIs{});
}

// Keys are written out (not built from check_figure_keys) so the list reads as the wire does.
template <RecordOf<CheckRecord> C, typename Visit>
constexpr void visit_fields(C& c, Visit&& visit) {
    visit("checker", c.checker, AsIs{});
    visit("mode", c.mode, AsIs{});
    visit("iterations", c.iterations, AsIs{});
    visit("block_bytes", c.block_bytes, AsIs{});
    visit("verdict", c.verdict, AsIs{});
    visit("expected_definitely_lost_bytes", c.expected[0], AsIs{});
    visit("expected_definitely_lost_blocks", c.expected[1], AsIs{});
    visit("expected_indirectly_lost_bytes", c.expected[2], AsIs{});
    visit("expected_indirectly_lost_blocks", c.expected[3], AsIs{});
    visit("expected_possibly_lost_bytes", c.expected[4], AsIs{});
    visit("expected_possibly_lost_blocks", c.expected[5], AsIs{});
    visit("expected_still_reachable_bytes", c.expected[6], AsIs{});
    visit("expected_still_reachable_blocks", c.expected[7], AsIs{});
    visit("definitely_lost_bytes", c.reported[0], AsIs{});
    visit("definitely_lost_blocks", c.reported[1], AsIs{});
    visit("indirectly_lost_bytes", c.reported[2], AsIs{});
    visit("indirectly_lost_blocks", c.reported[3], AsIs{});
    visit("possibly_lost_bytes", c.reported[4], AsIs{});
    visit("possibly_lost_blocks", c.reported[5], AsIs{});
    visit("still_reachable_bytes", c.reported[6], AsIs{});
    visit("still_reachable_blocks", c.reported[7], AsIs{});
}

template <typename E, typename Visit>
requires(RecordOf<E, EventRecord<std::string_view>> ||
         RecordOf<E, EventRecord<std::string>>) constexpr void visit_fields(E& e, Visit&& visit) {
    visit("iteration", e.iteration, AsIs{});
    visit("key", e.key, AsIs{});
    visit("text", e.text, AsIs{});
}

// What is not on the wire but follows from what is: filled in after a record is read back.
inline void derive_fields(Record& r) {
    r.counters.blocks = r.block_bytes > 0 ? r.counters.requested_bytes / r.block_bytes : 0;
}
inline void derive_fields(Summary& /*summary*/) {}
inline void derive_fields(WatchRecord& /*record*/) {}
inline void derive_fields(WatchSummary& /*summary*/) {}
template <typename Text>
void derive_fields(NoteRecord<Text>& /*note*/) {}
template <typename Text>
void derive_fields(EventRecord<Text>& /*event*/) {}

}  // namespace leakdemo
