// --explain for the zoo of leaks (issue 13): each scenario's notes, from what the step measurably did
// (the counters, mallinfo2's figures, RSS and VSZ). What a checker will call the memory follows from how
// the scenario lost or kept it; that it was lost or kept is measured by the counters.
#include <fmt/format.h>

#include <algorithm>
#include <string>

#include "output/explain.hpp"
#include "output/explain_step.hpp"
#include "util/units.hpp"

namespace leakdemo {

void Explainer::explain_scenario(const Step& step, const Record& current, std::vector<std::string>& notes) {
    switch (current.mode) {
        case Mode::indirect:
        case Mode::interior:
        case Mode::cycle:
        case Mode::exception:
            explain_lost_shape(step, current.mode, notes);
            break;
        case Mode::cache:
            explain_logical_leak(step, current, notes);
            break;
        case Mode::fragment:
            explain_fragmented(step, current, notes);
            break;
        case Mode::arena:
            explain_arenas(step, current, notes);
            break;
        case Mode::mmap:
            explain_untracked(step, current, notes);
            break;
        default:
            break;
    }
}

void Explainer::explain_lost_shape(const Step& step, Mode mode, std::vector<std::string>& notes) {
    const std::uint64_t lost = step.leaked + step.held;
    if (m_told_lost_shape || lost == 0) {
        return;
    }
    m_told_lost_shape = true;
    std::string text;
    switch (mode) {
        case Mode::indirect:
            text = fmt::format(
                "{} lost as a chain: the 16-byte head's only pointer is gone, so valgrind will call the head "
                "\"definitely lost\" and the 3 nodes behind it \"indirectly lost\" (LeakSanitizer: a Direct "
                "leak and Indirect leaks)",
                exact_bytes(lost));
            break;
        case Mode::interior:
            text = fmt::format(
                "{} reachable only through a pointer into the middle of the block: valgrind will call it "
                "\"possibly lost\"; LeakSanitizer counts any pointer into a block as a reference and says "
                "nothing",
                exact_bytes(lost));
            break;
        case Mode::cycle:
            text = fmt::format(
                "{} in two shared_ptr blocks (control block + object + payload, {} each) that own each "
                "other: no outside owner is left, both use counts stay at 1. valgrind will call one "
                "\"definitely\" and one \"indirectly lost\"; for LeakSanitizer each is pointed to by the "
                "other, so it reports both as Indirect leaks",
                exact_bytes(lost), exact_bytes(lost / 2));
            break;
        case Mode::exception:
            text = fmt::format(
                "{} lost to an exception: it was thrown between new[] and delete[], and the only pointer was "
                "in the unwound frame. valgrind: \"definitely lost\"; LeakSanitizer: a Direct leak",
                exact_bytes(lost));
            break;
        default:
            return;
    }
    say(Kind::lost_shape, notes, std::move(text));
}

void Explainer::explain_logical_leak(const Step& step, const Record& current,
                                     std::vector<std::string>& notes) {
    // Said once the growth is clear: three blocks in, RSS up by at least one and a half of them.
    if (m_told_logical_leak || !m_baseline || current.iteration < 3 || step.held == 0) {
        return;
    }
    const std::int64_t grown = static_cast<std::int64_t>(current.sample.rss_bytes) -
                               static_cast<std::int64_t>(m_baseline->sample.rss_bytes);
    if (!step.about_a_block(grown / 3)) {
        return;
    }
    m_told_logical_leak = true;
    say(Kind::logical_leak, notes,
        fmt::format("the cache holds {} in {} and nobody will ever read them again, yet every one is "
                    "reachable and freed at exit: valgrind and LeakSanitizer report nothing. RSS grew by {} "
                    "since the start: only the trend (the verdict) sees a logical leak",
                    exact_bytes(current.counters.outstanding_bytes), plural(current.counters.blocks, "block"),
                    format_signed_bytes(grown)));
}

void Explainer::explain_fragmented(const Step& step, const Record& current, std::vector<std::string>& notes) {
    if (!step.allocated || !m_baseline) {
        return;
    }
    // Growth since the baseline: the process had memory of its own before the first chunk.
    const auto grown = [this, &current](auto field) {
        const auto now = static_cast<std::int64_t>(current.sample.*field);
        return now - static_cast<std::int64_t>(m_baseline->sample.*field);
    };
    const std::int64_t heap_grown = grown(&MemorySample::heap_arena_bytes);
    const std::int64_t rss_grown = grown(&MemorySample::rss_bytes);
    const auto in_use = static_cast<std::int64_t>(current.counters.outstanding_bytes);
    if (heap_grown < 2 * in_use || !step.about_a_block(heap_grown)) {
        return;  // the heap spans little more than what is in use: nothing fragmented to tell
    }
    const std::string heap = format_bytes(current.sample.heap_arena_bytes);
    // Fragmented: RSS grew by most of what the heap grew, although most of the heap is free.
    if (!m_told_fragmented && 4 * rss_grown >= 3 * heap_grown) {
        m_told_fragmented = true;
        say(Kind::fragmented, notes,
            fmt::format(
                "the heap holds {} but only {} of leakdemo's chunks is in use: free() cannot return the "
                "free chunks to the OS (they sit between live ones, not at the top of the heap); "
                "malloc_trim (--trim) can return the whole free pages between live chunks (RSS {} since "
                "the start)",
                heap, format_bytes(current.counters.outstanding_bytes), format_signed_bytes(rss_grown)));
    }
    // Trimmed: RSS grew by less than half of the heap, measured after malloc_trim(0).
    if (!m_told_trimmed && m_context.trim && 2 * rss_grown < heap_grown) {
        m_told_trimmed = true;
        say(Kind::fragmented, notes,
            fmt::format("malloc_trim(0) handed the whole free pages between the live chunks back "
                        "(MADV_DONTNEED): the heap grew by {} with {} in use, RSS only by {}",
                        format_signed_bytes(heap_grown), format_bytes(current.counters.outstanding_bytes),
                        format_signed_bytes(rss_grown)));
    }
}

void Explainer::explain_arenas(const Step& step, const Record& current, std::vector<std::string>& notes) {
    if (m_told_arenas || !step.allocated || !m_baseline) {
        return;
    }
    m_told_arenas = true;
    const std::int64_t arenas = static_cast<std::int64_t>(current.sample.heap_arena_bytes) -
                                static_cast<std::int64_t>(m_baseline->sample.heap_arena_bytes);
    const std::uint64_t threads = m_context.threads;
    // glibc reserves 64 MiB of address space (HEAP_MAX_SIZE) for each new arena: the VSZ jump counts them
    // (thread stacks add a few MiB, never a whole arena's worth per thread).
    constexpr std::int64_t arena_reserve = std::int64_t{64} << 20;
    const std::uint64_t new_arenas =
        std::min(threads, static_cast<std::uint64_t>(std::max<std::int64_t>(step.vsz, 0) / arena_reserve));
    const std::string reason =
        new_arenas == 0 ? std::string(
                              ": the threads' blocks fit in arenas already there (VSZ grew by less than "
                              "the 64 MiB a new arena reserves)")
        : new_arenas == threads
            ? std::string(
                  ": each thread's malloc got an arena of its own (64 MiB of address space each), "
                  "and free() keeps the block in it for that thread's next malloc")
            : fmt::format(": {} (64 MiB of address space each); the other threads share arenas already there",
                          plural(new_arenas, "new arena"));
    say(Kind::arenas, notes,
        fmt::format("{} each malloc'd and freed {}: the heap figures of all arenas (mallinfo2) grew by {}, "
                    "VSZ by {}{}",
                    plural(threads, "thread"), format_bytes(step.block), format_signed_bytes(arenas),
                    format_signed_bytes(step.vsz), reason));
}

void Explainer::explain_untracked(const Step& step, const Record& current, std::vector<std::string>& notes) {
    const bool malloc_flat = !step.about_a_block(step.arena) && !step.about_a_block(step.mmapped);
    if (m_told_untracked || !step.allocated || !malloc_flat) {
        return;
    }
    // RSS rose by about the block (or VSZ did, with --touch none) while malloc's figures stayed put.
    if (!step.about_a_block(step.rss) && !step.about_a_block(step.vsz)) {
        return;
    }
    m_told_untracked = true;
    say(Kind::untracked, notes,
        fmt::format("RSS {}, VSZ {}, while malloc's figures did not move (arena {}, mmap'd chunks {}): an "
                    "anonymous mmap is not a malloc, so valgrind and LeakSanitizer never see these pages",
                    format_signed_bytes(step.rss), format_signed_bytes(step.vsz),
                    format_bytes(current.sample.heap_arena_bytes),
                    format_bytes(current.sample.heap_mmap_bytes)));
}

}  // namespace leakdemo
