#include "live/switching_workload.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <exception>
#include <utility>

#include "measure/workload_factory.hpp"
#include "util/error.hpp"

namespace leakdemo {
namespace {

std::size_t index_of(Mode mode) {
    for (std::size_t i = 0; i < enum_names<Mode>.size(); ++i) {
        if (enum_names<Mode>[i].first == mode) {
            return i;
        }
    }
    return 0;
}

void add(LeakClassification& sum, const LeakClassification& one) {
    sum.definitely_lost_bytes += one.definitely_lost_bytes;
    sum.definitely_lost_blocks += one.definitely_lost_blocks;
    sum.indirectly_lost_bytes += one.indirectly_lost_bytes;
    sum.indirectly_lost_blocks += one.indirectly_lost_blocks;
    sum.possibly_lost_bytes += one.possibly_lost_bytes;
    sum.possibly_lost_blocks += one.possibly_lost_blocks;
    sum.still_reachable_bytes += one.still_reachable_bytes;
    sum.still_reachable_blocks += one.still_reachable_blocks;
    sum.untracked_bytes += one.untracked_bytes;
}

}  // namespace

SwitchingWorkload::SwitchingWorkload(const BlockWorkloadConfig& config) {
    for (std::size_t i = 0; i < m_slots.size(); ++i) {
        ModeSlot& slot = m_slots[i];
        slot.mode = enum_names<Mode>[i].first;
        BlockWorkloadConfig one = config;
        one.mode = slot.mode;
        try {
            slot.workload = make_workload(one);
        } catch (const std::exception& error) {
            if (slot.mode == config.mode) {
                throw;  // the starting mode must exist: the same error as a plain run's
            }
            slot.unavailable = error.what();
        }
    }
    m_current = index_of(config.mode);
}

SwitchingWorkload::SwitchingWorkload(std::array<ModeSlot, mode_count> slots, Mode start)
    : m_slots(std::move(slots)), m_current(index_of(start)) {
    if (!m_slots[m_current].workload) {
        throw Error(fmt::format("live: {} mode has no workload", to_string(start)));
    }
    sum_counters();
}

bool SwitchingWorkload::step() {
    const bool stepped = m_slots[m_current].workload->step();
    sum_counters();
    if (stepped) {
        if (m_iterations[m_current]++ == 0) {
            m_used[m_used_count++] = m_slots[m_current].mode;  // at most once per mode: fits the array
        }
    }
    return stepped;
}

VerdictBasis SwitchingWorkload::verdict_basis() const {
    if (m_used_count == 0) {
        return current().verdict_basis();
    }
    std::uint64_t retained = 0;
    std::uint64_t transient = 0;
    for (const Mode used : modes_used()) {
        const VerdictBasis one = m_slots[index_of(used)].workload->verdict_basis();
        retained = std::max(retained, one.retained_bytes);
        transient = std::max(transient, one.step_bytes - std::min(one.step_bytes, one.retained_bytes));
    }
    return {retained + transient, retained};
}

std::uint64_t SwitchingWorkload::iterations_in(Mode mode) const {
    return m_iterations[index_of(mode)];
}

std::uint64_t SwitchingWorkload::held_bytes_in(Mode mode) const {
    const ModeSlot& slot = m_slots[index_of(mode)];
    if (!slot.workload) {
        return 0;
    }
    const WorkloadCounters& counters = slot.workload->counters();
    return counters.outstanding_bytes - std::min(counters.outstanding_bytes, counters.leaked_bytes);
}

LeakClassification SwitchingWorkload::expected_at_exit() const {
    LeakClassification sum;
    for (const ModeSlot& slot : m_slots) {
        if (slot.workload) {
            add(sum, slot.workload->expected_at_exit());
        }
    }
    return sum;
}

std::uint64_t SwitchingWorkload::release_reachable() {
    std::uint64_t freed = 0;
    for (const std::uint64_t one : release_reachable_by_mode()) {
        freed += one;
    }
    return freed;
}

SwitchingWorkload::PerMode SwitchingWorkload::release_reachable_by_mode() {
    PerMode freed{};
    for (std::size_t i = 0; i < m_slots.size(); ++i) {
        if (m_slots[i].workload) {
            freed[i] = m_slots[i].workload->release_reachable();
        }
    }
    sum_counters();
    return freed;
}

bool SwitchingWorkload::switch_to(Mode mode) {
    const std::size_t index = index_of(mode);
    if (!m_slots[index].workload) {
        return false;
    }
    m_current = index;
    return true;
}

void SwitchingWorkload::sum_counters() {
    WorkloadCounters sum;
    for (const ModeSlot& slot : m_slots) {
        if (slot.workload) {
            const WorkloadCounters& one = slot.workload->counters();
            sum.blocks += one.blocks;
            sum.requested_bytes += one.requested_bytes;
            sum.outstanding_bytes += one.outstanding_bytes;
            sum.leaked_bytes += one.leaked_bytes;
            sum.mmapped_blocks += one.mmapped_blocks;
        }
    }
    m_counters = sum;
}

}  // namespace leakdemo
