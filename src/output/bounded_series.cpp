#include "output/bounded_series.hpp"

#include <algorithm>
#include <limits>

namespace leakdemo {
namespace {

constexpr std::uint64_t none = std::numeric_limits<std::uint64_t>::max();

// An unused bucket: every minimum at the top, so the first sample sets it. Not all zero bytes, so writing
// the buckets really commits their pages (a zero fill of fresh memory could be left to the kernel).
Bucket empty_bucket() {
    Bucket bucket;
    bucket.first_iteration = none;
    bucket.last_iteration = none;
    bucket.min.values.fill(none);
    return bucket;
}

Figures figures_of(const Record& record) {
    Figures figures;
    for (std::size_t f = 0; f < figure_count; ++f) {
        figures.values[f] = figure_of(record, static_cast<Figure>(f));
    }
    return figures;
}

// `later` folded into `into`; both cover adjacent ranges, `later` after `into`.
void merge_into(Bucket& into, const Bucket& later) {
    for (std::size_t f = 0; f < figure_count; ++f) {
        into.min.values[f] = std::min(into.min.values[f], later.min.values[f]);
        into.max.values[f] = std::max(into.max.values[f], later.max.values[f]);
    }
    into.last = later.last;
    into.last_iteration = later.last_iteration;
    into.samples += later.samples;
}

}  // namespace

std::uint64_t figure_of(const Record& record, Figure figure) {
    switch (figure) {
        case Figure::rss:
            return record.sample.rss_bytes;
        case Figure::maxrss:
            return record.sample.maxrss_bytes;
        case Figure::vsz:
            return record.sample.vsz_bytes;
        case Figure::leaked:
            return record.counters.leaked_bytes;
        case Figure::held:
            return record.counters.outstanding_bytes - record.counters.leaked_bytes;
        case Figure::outstanding:
            return record.counters.outstanding_bytes;
        case Figure::minor_faults:
            return record.sample.minor_faults;
        case Figure::major_faults:
            return record.sample.major_faults;
    }
    return 0;
}

BoundedSeries::BoundedSeries(std::size_t capacity)
    : m_buckets(std::max<std::size_t>(capacity + capacity % 2, 2), empty_bucket()) {}

void BoundedSeries::add(const Record& record) {
    ++m_samples;
    const Figures figures = figures_of(record);
    if (m_used > 0 && m_buckets[m_used - 1].samples < m_width) {
        Bucket sample = empty_bucket();
        sample.first_iteration = sample.last_iteration = record.iteration;
        sample.samples = 1;
        sample.min = sample.max = sample.last = figures;
        merge_into(m_buckets[m_used - 1], sample);
        return;
    }
    if (m_used == m_buckets.size()) {
        halve();
    }
    Bucket& bucket = m_buckets[m_used++];
    bucket.first_iteration = bucket.last_iteration = record.iteration;
    bucket.samples = 1;
    bucket.min = bucket.max = bucket.last = figures;
}

// Every bucket is full: pairs become one, the second half is free again, a bucket now covers twice as many.
void BoundedSeries::halve() {
    const std::size_t half = m_buckets.size() / 2;
    for (std::size_t i = 0; i < half; ++i) {
        Bucket merged = m_buckets[2 * i];
        merge_into(merged, m_buckets[2 * i + 1]);
        m_buckets[i] = merged;
    }
    std::fill(m_buckets.begin() + static_cast<std::ptrdiff_t>(half), m_buckets.end(), empty_bucket());
    m_used = half;
    m_width *= 2;
}

std::uint64_t BoundedSeries::peak(Figure figure) const {
    std::uint64_t highest = 0;
    for (const Bucket& bucket : buckets()) {
        highest = std::max(highest, bucket.max[figure]);
    }
    return highest;
}

BoundedNotes::BoundedNotes(std::size_t capacity) : m_notes(capacity) {
    for (Note& note : m_notes) {
        note.text.assign(reserved_text_bytes, ' ');  // written, so its pages are committed now
        note.text.clear();                           // the capacity stays
    }
}

void BoundedNotes::add(std::uint64_t iteration, std::string_view text) {
    if (m_used == m_notes.size()) {
        ++m_dropped;
        return;
    }
    Note& note = m_notes[m_used++];
    note.iteration = iteration;
    note.text.assign(text);
}

}  // namespace leakdemo
