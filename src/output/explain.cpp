#include "output/explain.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <string_view>
#include <utility>

#include "output/explain_step.hpp"
#include "util/units.hpp"

namespace leakdemo {
namespace {

// ru_maxrss comes from approximate per-CPU counters: differences below this are noise, not memory.
constexpr std::uint64_t min_noise_bytes = std::uint64_t{1} << 20;

std::int64_t change(std::uint64_t now, std::uint64_t before) {
    return static_cast<std::int64_t>(now) - static_cast<std::int64_t>(before);
}

}  // namespace

namespace {

// The allocator-path notes (mmap or heap, first touch, free kept or returned) read one malloc'd block per
// step; a chain, a shared pair, chunks, threads' blocks or raw mappings have notes of their own.
bool one_block_per_step(Mode mode) {
    switch (mode) {
        case Mode::leak:
        case Mode::free:
        case Mode::hold:
        case Mode::interior:
        case Mode::exception:
        case Mode::cache:
            return true;
        default:
            return false;
    }
}

Explainer::Step measure(const Record& before, const Record& now, std::uint64_t page_bytes) {
    Explainer::Step step;
    step.iteration = now.iteration;
    step.block = now.block_bytes;
    step.block_pages = (now.block_bytes + page_bytes - 1) / page_bytes;
    step.allocated = now.counters.blocks > before.counters.blocks;
    // Signed: live's `r` frees held blocks between samples, so outstanding (and a switch's counters) can
    // fall; a fall is nothing newly held or leaked, not an unsigned wrap to 16384 PiB.
    const std::int64_t leaked = change(now.counters.leaked_bytes, before.counters.leaked_bytes);
    const std::int64_t outstanding =
        change(now.counters.outstanding_bytes, before.counters.outstanding_bytes);
    step.leaked = leaked > 0 ? static_cast<std::uint64_t>(leaked) : 0;
    step.held = outstanding > leaked
                    ? static_cast<std::uint64_t>(outstanding - std::max<std::int64_t>(leaked, 0))
                    : 0;
    step.freed = step.allocated && outstanding == 0;
    step.rss = change(now.sample.rss_bytes, before.sample.rss_bytes);
    step.vsz = change(now.sample.vsz_bytes, before.sample.vsz_bytes);
    step.arena = change(now.sample.heap_arena_bytes, before.sample.heap_arena_bytes);
    step.mmapped = change(now.sample.heap_mmap_bytes, before.sample.heap_mmap_bytes);
    step.faults = now.sample.minor_faults - before.sample.minor_faults;
    // The workload counts blocks whose malloc raised mallinfo2's hblkhd (seen before any free). Leak, free
    // and hold count every block, so their count is the answer: hblkhd between two samples also moves with
    // memory the observer maps (live's larger frame buffer after a resize). The other modes count none,
    // and a kept mmap'd block shows in the sample itself.
    const bool mmapped_blocks_counted =
        now.mode == Mode::leak || now.mode == Mode::free || now.mode == Mode::hold;
    step.via_mmap = step.allocated && (now.counters.mmapped_blocks > before.counters.mmapped_blocks ||
                                       (!mmapped_blocks_counted && step.about_a_block(step.mmapped)));
    return step;
}

}  // namespace

std::vector<std::string> Explainer::explain(const Record& current) {
    std::vector<std::string> notes;
    m_iteration = current.iteration;
    explain_counter_lag(current, notes);
    if (!m_previous) {
        // ru_maxrss survives exec: a peak above RSS before anything was allocated is the parent's.
        m_start_maxrss = current.sample.maxrss_bytes;
        m_baseline = current;
        if (current.sample.maxrss_bytes >
            current.sample.rss_bytes + std::max(current.block_bytes / 2, min_noise_bytes)) {
            notes.push_back(fmt::format(
                "max RSS is already {} before any allocation (RSS {}): ru_maxrss is inherited "
                "across exec, so it starts at the peak of the process that started leakdemo",
                format_bytes(current.sample.maxrss_bytes), format_bytes(current.sample.rss_bytes)));
        }
        m_previous = current;
        return notes;
    }
    if (current.mode != m_previous->mode) {
        start_mode();  // live switched modes: the new mode's events get their notes too
    }
    const Step step = measure(*m_previous, current, m_context.page_bytes);
    if (step.allocated && one_block_per_step(current.mode)) {
        const Path path = explain_path(step, current, notes);
        explain_first_touch(step, path, current, notes);
        explain_release(step, path, current, notes);
        explain_lazy_commit(step, notes);
    }
    if (current.mode == Mode::leak || current.mode == Mode::free || current.mode == Mode::hold) {
        explain_reachability(step, notes);
    } else {
        explain_scenario(step, current, notes);
    }
    explain_high_water(current, notes);
    m_previous = current;
    return notes;
}

void Explainer::start_mode() {
    // What the notes said was about the old mode's blocks; what glibc did to the process (a raised mmap
    // threshold, freed heap memory), the inherited peak and the counters' lag stay true and are not repeated.
    for (Told& told : m_told) {
        told.said = 0;  // the unsaid ones still count in finish()
    }
    m_path = Path::unknown;
    m_release = Release::unknown;
    m_faults = Faults::unknown;
    m_told_threshold_stays = false;
    m_told_lazy_commit = false;
    m_told_leak = false;
    m_told_held = false;
    m_told_lost_shape = false;
    m_told_logical_leak = false;
    m_told_fragmented = false;
    m_told_trimmed = false;
    m_told_arenas = false;
    m_told_untracked = false;
}

Explainer::Path Explainer::explain_path(const Step& step, const Record& current,
                                        std::vector<std::string>& notes) {
    const std::string block = format_bytes(step.block);
    const bool above_dynamic_max = step.block > max_mmap_threshold_bytes && !m_context.mmap_threshold_bytes;
    // Which allocator path served the block: its own mmap, or the brk heap.
    Path path = Path::heap_existing;
    if (step.via_mmap) {
        path = Path::mmap;
    } else if (step.about_a_block(step.arena) || (m_context.touch != Touch::none && step.pages_committed())) {
        path = Path::heap_fresh;  // new heap memory (with --trim the arena may already be back down)
    }
    if (path == Path::mmap && m_path != Path::mmap) {
        say(Kind::mmap, notes,
            fmt::format("block {} ({}) was served by mmap, a mapping of its own: {}", step.iteration, block,
                        why_mmapped(step)));
    } else if (path == Path::mmap && m_mmap_freed_at && !m_told_threshold_stays) {
        // A free of an mmap'd block did NOT move this one to the heap: say why.
        m_told_threshold_stays = true;
        say(Kind::mmap_again, notes,
            fmt::format("mmap'd again although block {} was mmap'd and freed: {}", *m_mmap_freed_at,
                        why_mmapped_again(step)));
    } else if (path == Path::heap_fresh && m_path != Path::heap_fresh) {
        if (m_path == Path::mmap && m_mmap_freed_at && !m_context.mmap_threshold_bytes &&
            !above_dynamic_max) {
            say(Kind::heap_fresh, notes,
                fmt::format("block {} came from the brk heap, not mmap: the first free() of a {} mmap'd "
                            "block (iteration {}) raised glibc's dynamic mmap threshold to that size, so "
                            "this block came from the heap",
                            step.iteration, block, *m_mmap_freed_at));
        } else {
            const std::string how =
                step.about_a_block(step.arena)
                    ? fmt::format("the arena grew by {}", format_signed_bytes(step.arena))
                    : fmt::format("fresh heap pages ({})", plural(step.faults, "page fault"));
            const std::string threshold =
                m_context.mmap_threshold_bytes
                    ? fmt::format("--mmap-threshold {}", format_bytes(*m_context.mmap_threshold_bytes))
                    : std::string("glibc's mmap threshold");
            say(Kind::heap_fresh, notes,
                fmt::format("block {} ({}) came from the brk heap: {} (the block is below {})",
                            step.iteration, block, how, threshold));
        }
    } else if (path == Path::heap_existing && m_path != Path::heap_existing) {
        if (m_heap_freed_at) {
            say(Kind::heap_existing, notes,
                fmt::format("block {} reused the heap memory freed in iteration {}: arena unchanged "
                            "({}), {}",
                            step.iteration, *m_heap_freed_at, format_bytes(current.sample.heap_arena_bytes),
                            plural(step.faults, "page fault")));
        } else {
            say(Kind::heap_existing, notes,
                fmt::format("block {} came from space the brk heap already had: arena unchanged ({})",
                            step.iteration, format_bytes(current.sample.heap_arena_bytes)));
        }
    }
    m_path = path;
    return path;
}

void Explainer::explain_first_touch(const Step& step, Path path, const Record& current,
                                    std::vector<std::string>& notes) {
    const std::string block = format_bytes(step.block);
    // What first touch cost: one minor fault per fresh page.
    if (m_context.touch != Touch::none) {
        // With --huge-pages a fresh block costs one fault per 2 MiB, not one per 4 KiB: a handful of faults
        // then means huge pages, not pages that were already resident.
        const bool few_faults = step.faults * 8 < step.block_pages;
        const Faults faults = step.pages_committed()                                  ? Faults::committed
                              : few_faults && m_context.huge_pages && step.faults > 0 ? Faults::huge
                              : few_faults                                            ? Faults::none
                                                                                      : Faults::unknown;
        if (faults == Faults::huge && m_faults != Faults::huge) {
            say(Kind::touch_huge, notes,
                fmt::format(
                    "first touch of {}: only {} where 4 KiB pages would take {}: --huge-pages made the block "
                    "2 MiB-aligned and madvise(MADV_HUGEPAGE)d, so one fault maps a whole 2 MiB transparent "
                    "huge "
                    "page",
                    block, plural(step.faults, "minor page fault"), step.block_pages));
        }
        if (faults == Faults::committed && m_faults != Faults::committed) {
            say(Kind::touch_committed, notes,
                fmt::format("first touch of {}: {} ({}); the kernel commits a page on its first write", block,
                            plural(step.faults, "minor page fault"), span_of(step, path)));
        } else if (faults == Faults::none && m_faults != Faults::none) {
            say(Kind::touch_resident, notes,
                fmt::format("{} for this block: its pages were already resident (RSS {}: {})",
                            plural(step.faults, "page fault"),
                            step.rss == 0 ? std::string("unchanged") : format_signed_bytes(step.rss),
                            format_bytes(current.sample.rss_bytes)));
        }
        if (faults != Faults::unknown) {
            m_faults = faults;
        }
    }
}

void Explainer::explain_release(const Step& step, Path path, const Record& current,
                                std::vector<std::string>& notes) {
    const std::string block = format_bytes(step.block);
    // After free(): did the memory go back to the OS (munmap, or malloc_trim), or does glibc keep it?
    if (step.freed && step.pages_committed()) {
        // An mmap'd block is gone when mallinfo2's mmap'd bytes did not keep it, whatever else moved RSS (a
        // 128 KiB block's RSS change is the size of the heap's own growth); a heap block, when RSS fell back.
        Release release = Release::kept;
        if (path == Path::mmap && !step.about_a_block(step.mmapped)) {
            release = Release::unmapped;
        } else if (path != Path::mmap && !step.about_a_block(step.rss)) {
            release = Release::trimmed;
        }
        if (release != m_release) {
            if (release == Release::kept) {
                say(Kind::release_kept, notes,
                    fmt::format("free() kept the memory: glibc holds the {} chunk in the heap for the "
                                "next malloc (arena {}), so RSS stays up at {}",
                                block, format_bytes(current.sample.heap_arena_bytes),
                                format_bytes(current.sample.rss_bytes)));
            } else {
                const std::string how =
                    release == Release::unmapped
                        ? std::string("free() unmapped it (munmap)")
                        : fmt::format(
                              "{} the heap's free memory back (arena now {})",
                              m_context.trim ? "free() kept it, then malloc_trim(0) handed" : "the heap gave",
                              format_bytes(current.sample.heap_arena_bytes));
                const std::string rss =
                    step.about_a_block(step.rss)
                        ? fmt::format("RSS {} ({}: other memory grew)",
                                      format_bytes(current.sample.rss_bytes), format_signed_bytes(step.rss))
                        : fmt::format("RSS is back to {}", format_bytes(current.sample.rss_bytes));
                say(Kind::release_returned, notes,
                    fmt::format("memory returned to the OS: {}; {} after {}", how, rss,
                                plural(step.faults, "page fault")));
            }
            m_release = release;
        }
    }
    if (step.freed && path == Path::mmap) {
        m_mmap_freed_at = m_mmap_freed_at.value_or(step.iteration);
    } else if (step.freed) {
        m_heap_freed_at = m_heap_freed_at.value_or(step.iteration);
    }
}

void Explainer::explain_lazy_commit(const Step& step, std::vector<std::string>& notes) {
    // Lazy commit: address space grew, resident memory did not.
    if (!m_told_lazy_commit && step.about_a_block(step.vsz) && !step.about_a_block(step.rss) &&
        !step.pages_committed()) {
        m_told_lazy_commit = true;
        say(Kind::lazy_commit, notes,
            fmt::format("VSZ grew by {} but RSS only by {}: the kernel reserves address space at "
                        "malloc and commits a page only on its first write; {} so far",
                        format_signed_bytes(step.vsz), format_signed_bytes(step.rss),
                        plural(step.faults, "page fault")));
    }
}

void Explainer::explain_reachability(const Step& step, std::vector<std::string>& notes) {
    // Leaked vs held, as a leak checker would name them.
    if (step.leaked > 0 && !m_told_leak) {
        m_told_leak = true;
        // Not resident only when measured so: untouched (--touch none), a page or more, and RSS did not rise
        // with it. A small touched block shares a page that is resident anyway.
        const bool not_resident = m_context.touch == Touch::none && step.block >= m_context.page_bytes &&
                                  !step.about_a_block(step.rss);
        say(Kind::leak, notes,
            fmt::format("{} are now unreachable: no pointer to them is left{}. valgrind would call "
                        "them \"definitely lost\", LeakSanitizer a \"Direct leak of {} byte(s)\"",
                        exact_bytes(step.leaked),
                        not_resident ? fmt::format(" (address space only: --touch none wrote none of its "
                                                   "pages, RSS {})",
                                                   format_signed_bytes(step.rss))
                                     : std::string(),
                        step.leaked));
    }
    if (step.held > 0 && !m_told_held) {
        m_told_held = true;
        say(Kind::held, notes,
            fmt::format("{} held: still reachable from a live container that hold mode keeps until exit, "
                        "so valgrind will call them \"still reachable\" and LeakSanitizer says nothing",
                        exact_bytes(step.held)));
    }
}

void Explainer::explain_high_water(const Record& current, std::vector<std::string>& notes) {
    // The high-water mark.
    // Only once this run itself has raised the mark: an inherited peak was explained at the baseline.
    if (!m_told_high_water && current.sample.maxrss_bytes > m_start_maxrss &&
        current.sample.rss_bytes + std::max(current.block_bytes / 2, min_noise_bytes) <
            current.sample.maxrss_bytes) {
        m_told_high_water = true;
        say(Kind::high_water, notes,
            fmt::format("current RSS {} is below max RSS {}: ru_maxrss is a high-water mark, which "
                        "freeing memory does not bring down",
                        format_bytes(current.sample.rss_bytes), format_bytes(current.sample.maxrss_bytes)));
    }
}

void Explainer::explain_counter_lag(const Record& current, std::vector<std::string>& notes) {
    // Once: both figures are measured, they only come from different kernel counters.
    if (!m_told_counter_lag && current.sample.maxrss_bytes < current.sample.rss_bytes) {
        m_told_counter_lag = true;
        say(Kind::counter_lag, notes,
            fmt::format("max RSS {} reads {} below RSS {}: ru_maxrss (getrusage) is summed from the kernel's "
                        "approximate per-CPU counters, RSS (/proc/self/statm) exactly; the gap is counter "
                        "lag, not memory",
                        format_bytes(current.sample.maxrss_bytes),
                        format_bytes(current.sample.rss_bytes - current.sample.maxrss_bytes),
                        format_bytes(current.sample.rss_bytes)));
    }
}

namespace {

class ExplainingSink final : public Sink {
  public:
    ExplainingSink(ExplainContext context, Sink& downstream)
        : m_explainer(context), m_downstream(downstream) {}
    void record(const Record& record) override {
        m_downstream.record(record);
        for (const std::string& text : m_explainer.explain(record)) {
            m_downstream.note(record.mode, record.iteration, text);
        }
    }
    void note(Mode mode, std::uint64_t iteration, const std::string& text) override {
        m_downstream.note(mode, iteration, text);
    }
    void summary(const Summary& summary) override {
        for (const std::string& text : m_explainer.finish()) {
            m_downstream.note(summary.mode, summary.iterations, text);
        }
        m_downstream.summary(summary);
    }
    void event(std::uint64_t iteration, std::string_view key, const std::string& text) override {
        m_downstream.event(iteration, key, text);
    }

  private:
    Explainer m_explainer;
    Sink& m_downstream;
};

}  // namespace

std::unique_ptr<Sink> make_explaining_sink(ExplainContext context, Sink& downstream) {
    return std::make_unique<ExplainingSink>(context, downstream);
}

}  // namespace leakdemo
