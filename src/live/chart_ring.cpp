#include "live/chart_ring.hpp"

namespace leakdemo {

ChartPoint chart_point_of(const Record& record) {
    ChartPoint point;
    point.iteration = record.iteration;
    point.elapsed_ns = record.elapsed_ns;
    point.rss_bytes = record.sample.rss_bytes;
    point.maxrss_bytes = record.sample.maxrss_bytes;
    point.leaked_bytes = record.counters.leaked_bytes;
    point.held_bytes = record.counters.outstanding_bytes - record.counters.leaked_bytes;
    point.mode = record.mode;
    return point;
}

ChartRing::ChartRing(std::size_t capacity) : m_points(capacity == 0 ? 1 : capacity) {}

void ChartRing::push(const ChartPoint& point) {
    m_points[m_next] = point;
    m_next = (m_next + 1) % m_points.size();
    if (m_size < m_points.size()) {
        ++m_size;
    }
}

void ChartRing::mark_newest(char mark) {
    if (m_size > 0) {
        m_points[(m_next + m_points.size() - 1) % m_points.size()].mark = mark;
    }
}

const ChartPoint& ChartRing::at_age(std::size_t age) const {
    return m_points[(m_next + m_points.size() - 1 - age) % m_points.size()];
}

}  // namespace leakdemo
