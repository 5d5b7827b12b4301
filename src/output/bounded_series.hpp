#pragma once

// A run's shape in constant memory, for --chart and --report: a fixed number of buckets, each holding the
// lowest, highest and last value of every plotted figure over a range of iterations. When every bucket is
// used, neighbours are merged pairwise and each bucket covers twice as many iterations, so a run of any
// length fits and its peaks survive exactly. The storage is allocated and written once when the series is
// made (before the run's baseline sample), so recording never moves the measured process's RSS.

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "measure/record.hpp"

namespace leakdemo {

// The figures a bucket keeps, in bytes or counts, read from one Record.
enum class Figure : std::size_t {
    rss,          // sample.rss_bytes
    maxrss,       // sample.maxrss_bytes
    vsz,          // sample.vsz_bytes
    leaked,       // counters.leaked_bytes: unreachable
    held,         // outstanding - leaked: reachable
    outstanding,  // counters.outstanding_bytes
    minor_faults,
    major_faults,
};
inline constexpr std::size_t figure_count = 8;

std::uint64_t figure_of(const Record& record, Figure figure);

// One value per figure.
struct Figures {
    std::array<std::uint64_t, figure_count> values{};
    std::uint64_t operator[](Figure figure) const { return values[static_cast<std::size_t>(figure)]; }
};

// The samples of iterations first_iteration .. last_iteration (samples of them, in order).
struct Bucket {
    std::uint64_t first_iteration = 0;
    std::uint64_t last_iteration = 0;
    std::uint64_t samples = 0;
    Figures min;   // the lowest value each figure took in the range
    Figures max;   // the highest
    Figures last;  // the value at last_iteration
};

class BoundedSeries {
  public:
    static constexpr std::size_t default_capacity = 2048;

    // `capacity` buckets (even, at least 2), allocated and written here.
    explicit BoundedSeries(std::size_t capacity = default_capacity);

    void add(const Record& record);

    // The buckets in use, oldest first; empty before the first add().
    std::span<const Bucket> buckets() const { return {m_buckets.data(), m_used}; }
    std::size_t capacity() const { return m_buckets.size(); }
    // Samples per full bucket: 1 until the buckets first fill up, then doubled at each merge.
    std::uint64_t bucket_samples() const { return m_width; }
    // How many records were added in all.
    std::uint64_t samples() const { return m_samples; }
    // The highest value `figure` took over the whole run (0 before the first add()).
    std::uint64_t peak(Figure figure) const;

  private:
    void halve();

    std::vector<Bucket> m_buckets;
    std::size_t m_used = 0;
    std::uint64_t m_width = 1;
    std::uint64_t m_samples = 0;
};

// An --explain note as the report and the chart keep it.
struct Note {
    std::uint64_t iteration = 0;
    std::string text;
};

// The first `capacity` notes of a run and how many came after them; the kept notes' text storage is
// reserved and written when the list is made.
class BoundedNotes {
  public:
    static constexpr std::size_t default_capacity = 64;
    static constexpr std::size_t reserved_text_bytes = 256;

    explicit BoundedNotes(std::size_t capacity = default_capacity);
    void add(std::uint64_t iteration, std::string_view text);

    std::span<const Note> kept() const { return {m_notes.data(), m_used}; }
    std::uint64_t dropped() const { return m_dropped; }
    bool empty() const { return m_used == 0 && m_dropped == 0; }

  private:
    std::vector<Note> m_notes;
    std::size_t m_used = 0;
    std::uint64_t m_dropped = 0;
};

}  // namespace leakdemo
