#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "measure/record.hpp"
#include "measure/sink.hpp"
#include "measure/workload.hpp"

namespace leakdemo {

// What --explain knows besides the measurements: the experiment's settings, to name the reason behind a
// measured event (never to decide whether the event happened).
struct ExplainContext {
    Touch touch = Touch::all;
    std::optional<std::uint64_t> mmap_threshold_bytes{};  // --mmap-threshold (mallopt)
    bool trim = false;                                    // --trim (malloc_trim after free)
    bool huge_pages = false;                              // --huge-pages (2 MiB-aligned, MADV_HUGEPAGE)
    std::uint64_t page_bytes = 4096;
    std::uint64_t threads = 1;  // --threads (arena mode)
};

// Turns consecutive records into plain-language notes (--explain). Every note comes from what changed
// between the previous record and this one: mallinfo2's heap figures, the mmap'd-block counter, RSS, VSZ,
// max RSS, page faults, the leak counters. Each kind of event is explained the first time it is seen and
// again only when it changes (mmap -> heap, kept -> returned ...); a kind that keeps recurring (a 64-byte
// block faults in a fresh heap page every 64 blocks) is said at most `max_notes_per_kind` times, and
// finish() counts the rest in one closing note, so a run of any length has a few dozen notes at most. A
// record in another mode than the one before (`leakdemo live` switched) starts that memory afresh: the
// new mode's events are explained as if first seen, a few dozen notes more per switch (a key press).
class Explainer {
  public:
    explicit Explainer(ExplainContext context) : m_context(context) {}

    // Notes caused by `current`. The first record (the baseline) primes the comparison; its only possible
    // note is an inherited max RSS.
    std::vector<std::string> explain(const Record& current);
    // At the end of the run: one note counting the events that recurred without a note; empty if none.
    std::vector<std::string> finish() const;

    static constexpr std::uint64_t max_notes_per_kind = 2;
    static constexpr std::size_t kind_count = 19;  // the kinds of note (Kind)

    struct Step;  // what one iteration changed (explain.cpp)

  private:
    enum class Path { unknown, mmap, heap_fresh, heap_existing };
    enum class Release { unknown, unmapped, trimmed, kept };
    enum class Faults { unknown, committed, huge, none };
    // Every kind of note, for the per-kind budget.
    enum class Kind {
        mmap,
        mmap_again,
        heap_fresh,
        heap_existing,
        touch_huge,
        touch_committed,
        touch_resident,
        release_kept,
        release_returned,
        lazy_commit,
        leak,
        held,
        high_water,
        counter_lag,
        // The zoo (explain_scenarios.cpp).
        lost_shape,
        logical_leak,
        fragmented,
        arenas,
        untracked,
    };
    struct Told {
        std::uint64_t said = 0;
        std::uint64_t unsaid = 0;  // recurrences past the budget
    };
    // A mode switch: every kind's budget and the per-mode "said once" memory start again.
    void start_mode();
    // Appends `text` if its kind still has budget, else counts it for finish().
    void say(Kind kind, std::vector<std::string>& notes, std::string text);
    std::string why_mmapped(const Step& step) const;
    std::string why_mmapped_again(const Step& step) const;
    std::string span_of(const Step& step, Path path) const;

    // One kind of event each; every one appends its notes, if any.
    Path explain_path(const Step& step, const Record& current, std::vector<std::string>& notes);
    void explain_first_touch(const Step& step, Path path, const Record& current,
                             std::vector<std::string>& notes);
    void explain_release(const Step& step, Path path, const Record& current, std::vector<std::string>& notes);
    void explain_lazy_commit(const Step& step, std::vector<std::string>& notes);
    void explain_reachability(const Step& step, std::vector<std::string>& notes);
    void explain_high_water(const Record& current, std::vector<std::string>& notes);
    void explain_counter_lag(const Record& current, std::vector<std::string>& notes);
    // The zoo's own notes (explain_scenarios.cpp): what the checkers will call the memory, and what the
    // allocator and the kernel did with it, from the step's measured figures.
    void explain_scenario(const Step& step, const Record& current, std::vector<std::string>& notes);
    void explain_lost_shape(const Step& step, Mode mode, std::vector<std::string>& notes);
    void explain_logical_leak(const Step& step, const Record& current, std::vector<std::string>& notes);
    void explain_fragmented(const Step& step, const Record& current, std::vector<std::string>& notes);
    void explain_arenas(const Step& step, const Record& current, std::vector<std::string>& notes);
    void explain_untracked(const Step& step, const Record& current, std::vector<std::string>& notes);

    ExplainContext m_context;
    std::optional<Record> m_previous;
    std::uint64_t m_start_maxrss = 0;
    std::optional<Record> m_baseline;  // sample 0, for growth over the whole run
    Path m_path = Path::unknown;
    Release m_release = Release::unknown;
    Faults m_faults = Faults::unknown;
    std::optional<std::uint64_t> m_mmap_freed_at;  // iteration whose mmap'd block went back with munmap
    std::optional<std::uint64_t> m_heap_freed_at;  // iteration whose heap block free() kept for reuse
    bool m_told_threshold_stays = false;
    bool m_told_lazy_commit = false;
    bool m_told_high_water = false;
    bool m_told_leak = false;
    bool m_told_held = false;
    bool m_told_counter_lag = false;
    bool m_told_lost_shape = false;
    bool m_told_logical_leak = false;
    bool m_told_fragmented = false;
    bool m_told_trimmed = false;
    bool m_told_arenas = false;
    bool m_told_untracked = false;
    std::array<Told, kind_count> m_told{};
    std::uint64_t m_last_unsaid_iteration = 0;
    std::uint64_t m_iteration = 0;
};

// A sink that passes records on to `downstream` and follows each with its notes (downstream.note()).
std::unique_ptr<Sink> make_explaining_sink(ExplainContext context, Sink& downstream);

}  // namespace leakdemo
