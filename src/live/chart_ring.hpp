#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "measure/record.hpp"

namespace leakdemo {

// One column of live's chart: what one sample showed, and the key pressed after it (0: none).
struct ChartPoint {
    std::uint64_t iteration = 0;
    std::int64_t elapsed_ns = 0;
    std::uint64_t rss_bytes = 0;
    std::uint64_t maxrss_bytes = 0;
    std::uint64_t leaked_bytes = 0;
    std::uint64_t held_bytes = 0;  // outstanding - leaked: still reachable
    Mode mode = Mode::leak;
    char mark = 0;
};

ChartPoint chart_point_of(const Record& record);

// The last `capacity` samples, oldest overwritten: the chart's only memory, allocated and written when it
// is made (before the baseline sample), so a run of any length never grows it.
class ChartRing {
  public:
    static constexpr std::size_t default_capacity = 1024;  // wider than any terminal it draws on

    explicit ChartRing(std::size_t capacity = default_capacity);
    void push(const ChartPoint& point);
    // The newest point gets `mark` (the key pressed after it); nothing when the ring is empty.
    void mark_newest(char mark);
    std::size_t size() const { return m_size; }
    std::size_t capacity() const { return m_points.size(); }
    // age 0 is the newest point; age < size().
    const ChartPoint& at_age(std::size_t age) const;

  private:
    std::vector<ChartPoint> m_points;
    std::size_t m_next = 0;
    std::size_t m_size = 0;
};

}  // namespace leakdemo
