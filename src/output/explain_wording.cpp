// The explainer's wording that is more than one sentence: the per-kind note budget and its closing note,
// and the reasons given for an mmap and for a block's page span.
#include <fmt/format.h>

#include <array>
#include <string_view>
#include <utility>

#include "output/explain.hpp"
#include "output/explain_step.hpp"
#include "util/units.hpp"

namespace leakdemo {
namespace {

// What the closing note calls each kind of event (Explainer::Kind order).
constexpr std::array<std::string_view, Explainer::kind_count> kind_labels{"block served by mmap",
                                                                          "mmap'd again",
                                                                          "fresh heap memory",
                                                                          "heap space reused",
                                                                          "huge-page faults",
                                                                          "first-touch faults",
                                                                          "no page faults",
                                                                          "free() kept the memory",
                                                                          "memory returned",
                                                                          "lazy commit",
                                                                          "leak",
                                                                          "held",
                                                                          "high-water mark",
                                                                          "max RSS below RSS",
                                                                          "lost memory",
                                                                          "reachable growth",
                                                                          "fragmented heap",
                                                                          "per-thread arenas",
                                                                          "memory outside malloc"};

}  // namespace

void Explainer::say(Kind kind, std::vector<std::string>& notes, std::string text) {
    Told& told = m_told[static_cast<std::size_t>(kind)];
    if (told.said < max_notes_per_kind) {
        ++told.said;
        notes.push_back(std::move(text));
    } else {
        ++told.unsaid;
        m_last_unsaid_iteration = m_iteration;
    }
}

static_assert(kind_labels.size() == static_cast<std::size_t>(Explainer::kind_count));

std::vector<std::string> Explainer::finish() const {
    std::string counted;
    for (std::size_t kind = 0; kind < m_told.size(); ++kind) {
        if (m_told[kind].unsaid > 0) {
            counted += fmt::format("{}{} {} more time{}", counted.empty() ? "" : ", ", kind_labels[kind],
                                   grouped(m_told[kind].unsaid), m_told[kind].unsaid == 1 ? "" : "s");
        }
    }
    if (counted.empty()) {
        return {};
    }
    return {fmt::format("events explained above kept recurring without a note: {} (the last at iteration {})",
                        counted, grouped(m_last_unsaid_iteration))};
}

std::string Explainer::why_mmapped(const Step& step) const {
    if (m_context.mmap_threshold_bytes) {
        const std::string threshold = format_bytes(*m_context.mmap_threshold_bytes);
        return step.block >= *m_context.mmap_threshold_bytes
                   ? fmt::format(
                         "it is at least --mmap-threshold {} (mallopt switched glibc's dynamic "
                         "threshold off)",
                         threshold)
                   : fmt::format(
                         "mallinfo2 saw a new mapping although the block is below --mmap-threshold {}",
                         threshold);
    }
    if (step.block > max_mmap_threshold_bytes) {
        return fmt::format(
            "blocks above {} are always mmap'd: glibc's dynamic mmap threshold never goes "
            "higher than that",
            format_bytes(max_mmap_threshold_bytes));
    }
    return "it is at or above glibc's mmap threshold (128 KiB at start)";
}

std::string Explainer::why_mmapped_again(const Step& step) const {
    if (m_context.mmap_threshold_bytes) {
        return fmt::format(
            "--mmap-threshold fixed the threshold at {} (mallopt switches the dynamic threshold "
            "off)",
            format_bytes(*m_context.mmap_threshold_bytes));
    }
    if (step.block > max_mmap_threshold_bytes) {
        return fmt::format("a free() only raises the dynamic threshold for blocks up to {}",
                           format_bytes(max_mmap_threshold_bytes));
    }
    // leakdemo cannot read glibc's threshold; the new mapping (mallinfo2's hblkhd) is what was measured.
    return m_context.huge_pages
               ? "mallinfo2 saw a new mapping: the aligned request --huge-pages makes (posix_memalign) was "
                 "still at or above glibc's mmap threshold"
               : "mallinfo2 saw a new mapping: the request was still at or above glibc's mmap threshold";
}

// How many pages the block covers, counted from the figures: an mmap'd block starts 16 bytes (glibc's chunk
// header) into a page-aligned mapping; a heap block starts wherever the heap put it.
std::string Explainer::span_of(const Step& step, Path path) const {
    const std::uint64_t page = m_context.page_bytes;
    if (m_context.huge_pages) {
        return fmt::format("the 2 MiB-aligned block spans {} of {}", plural(step.block_pages, "page"),
                           format_bytes(page));
    }
    const std::uint64_t with_header = (step.block + chunk_header_bytes + page - 1) / page;
    if (path == Path::mmap) {
        return fmt::format("{} byte{} + glibc's {}-byte chunk header span {} page{} of {} when mmap'd",
                           grouped(step.block), step.block == 1 ? "" : "s", chunk_header_bytes,
                           grouped(with_header), with_header == 1 ? "" : "s", format_bytes(page));
    }
    return fmt::format(
        "{} byte{} + glibc's {}-byte chunk header span {} or {} pages of {}, depending on where the heap "
        "put them",
        grouped(step.block), step.block == 1 ? "" : "s", chunk_header_bytes, grouped(with_header),
        grouped(with_header + 1), format_bytes(page));
}

}  // namespace leakdemo
