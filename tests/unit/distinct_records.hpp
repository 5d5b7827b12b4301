#pragma once

// A sample, a summary and a note with every field on the wire non-zero and different from every other, so
// a field that a codec drops, swaps or leaves at its default shows up in a comparison.
#include <cstdint>
#include <string>

#include "measure/record.hpp"
#include "measure/summary.hpp"
#include "output/schema.hpp"

namespace leakdemo::testing {

inline constexpr std::uint64_t distinct_blocks = 17;

inline Record distinct_record() {
    Record r;
    r.iteration = 3;
    r.elapsed_ns = 5'000'007'000;  // 5.000007 s: exact in the wire's 6 decimals
    r.mode = Mode::hold;           // not the default (leak)
    r.block_bytes = 4099;
    r.counters.requested_bytes = distinct_blocks * 4099;  // blocks is derived from these two on decode
    r.counters.outstanding_bytes = 29;
    r.counters.leaked_bytes = 31;
    r.sample.rss_bytes = 37;
    r.sample.maxrss_bytes = 41;
    r.sample.vsz_bytes = 43;
    r.sample.minor_faults = 47;
    r.sample.major_faults = 53;
    r.sample.heap_arena_bytes = 59;
    r.sample.heap_mmap_bytes = 61;
    // Not on the wire: a decoded record must not pretend to know them.
    r.counters.blocks = distinct_blocks;
    r.counters.mmapped_blocks = 67;
    r.sample.timestamp_ns = 71;
    return r;
}

inline Summary distinct_summary() {
    Summary s;
    s.mode = Mode::free;
    s.iterations = 3;
    s.elapsed_s = 5.25;
    s.block_bytes = 7;
    s.requested_bytes = 11;
    s.leaked_bytes = 13;
    s.outstanding_bytes = 17;
    s.rss_start_bytes = 19;
    s.rss_end_bytes = 23;
    s.rss_growth_bytes = -29;
    s.rss_growth_per_iteration_bytes = -31;  // written rounded: a whole number survives the trip
    s.maxrss_bytes = 37;
    s.hwm_bytes = 41;
    s.verdict = Verdict::leaking;       // not the default (stable)
    s.stop_reason = StopReason::guard;  // not the default (completed)
    s.minor_faults = 43;
    s.minor_faults_per_block = 47.5;  // exact in the wire's 1 decimal
    s.budget_bytes = 53;
    s.budget_eta_s = 59.5;
    s.expected = {61, 67, 71, 73, 79, 83, 89, 97, 101};  // the nine expected checker figures
    return s;
}

// Quote, backslash, newline, a control character, é and a character outside the BMP (a surrogate pair in
// JSON's \u escapes).
inline NoteRecord<std::string> distinct_note() {
    return {Mode::hold, 53, "quote \" backslash \\ newline \n control \x01 \xc3\xa9 \xf0\x9f\x98\x80 end"};
}

}  // namespace leakdemo::testing
