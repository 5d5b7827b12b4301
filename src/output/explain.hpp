#pragma once

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
};

// Turns consecutive records into plain-language notes (--explain). Every note comes from what changed
// between the previous record and this one: mallinfo2's heap figures, the mmap'd-block counter, RSS, VSZ,
// max RSS, page faults, the leak counters. Each kind of event is explained the first time it is seen and
// again only when it changes (mmap -> heap, kept -> returned ...), so a long run is not flooded.
class Explainer {
  public:
    explicit Explainer(ExplainContext context) : m_context(context) {}

    // Notes caused by `current`. The first record (the baseline) primes the comparison; its only possible
    // note is an inherited max RSS.
    std::vector<std::string> explain(const Record& current);

    struct Step;  // what one iteration changed (explain.cpp)

  private:
    enum class Path { unknown, mmap, heap_fresh, heap_existing };
    enum class Release { unknown, unmapped, trimmed, kept };
    enum class Faults { unknown, committed, huge, none };

    // One kind of event each; every one appends its notes, if any.
    Path explain_path(const Step& step, const Record& current, std::vector<std::string>& notes);
    void explain_first_touch(const Step& step, const Record& current, std::vector<std::string>& notes);
    void explain_release(const Step& step, Path path, const Record& current, std::vector<std::string>& notes);
    void explain_lazy_commit(const Step& step, std::vector<std::string>& notes);
    void explain_reachability(const Step& step, std::vector<std::string>& notes);
    void explain_high_water(const Record& current, std::vector<std::string>& notes);

    ExplainContext m_context;
    std::optional<Record> m_previous;
    std::uint64_t m_start_maxrss = 0;
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
};

// A sink that passes records on to `downstream` and follows each with its notes (downstream.note()).
std::unique_ptr<Sink> make_explaining_sink(ExplainContext context, Sink& downstream);

}  // namespace leakdemo
