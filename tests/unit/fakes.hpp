#pragma once

// Test doubles for the run loop's injected parts: no sleeping, no allocation, scripted numbers.
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "measure/clock.hpp"
#include "measure/guard.hpp"
#include "measure/sampler.hpp"
#include "measure/sink.hpp"
#include "measure/system_reader.hpp"
#include "measure/workload.hpp"

namespace leakdemo::testing {

// The workload the fake sampler reads its RSS from, so RSS moves exactly like a perfect leak would.
class FakeWorkload final : public Workload {
  public:
    FakeWorkload(Mode mode, std::uint64_t block, std::optional<std::uint64_t> fail_at_step = std::nullopt)
        : m_mode(mode), m_block(block), m_fail_at(fail_at_step) {}
    bool step() override {
        ++m_steps;
        if (m_fail_at && m_steps == *m_fail_at) {
            return false;
        }
        m_counters.blocks += 1;
        m_counters.requested_bytes += m_block;
        if (m_mode != Mode::free) {
            m_counters.outstanding_bytes += m_block;
        }
        if (m_mode == Mode::leak) {
            m_counters.leaked_bytes += m_block;
        }
        return true;
    }
    const WorkloadCounters& counters() const override { return m_counters; }
    std::uint64_t block_bytes() const override { return m_block; }
    LeakClassification expected_at_exit() const override {
        LeakClassification expected;
        expected.definitely_lost_bytes = m_counters.leaked_bytes;
        expected.definitely_lost_blocks = m_mode == Mode::leak ? m_counters.blocks : 0;
        return expected;
    }
    Mode mode() const override { return m_mode; }
    std::uint64_t steps() const { return m_steps; }

  private:
    Mode m_mode;
    std::uint64_t m_block;
    std::optional<std::uint64_t> m_fail_at;
    std::uint64_t m_steps = 0;
    WorkloadCounters m_counters;
};

class FakeClock final : public Clock {
  public:
    std::chrono::nanoseconds now() override { return m_now; }
    bool sleep_until(std::chrono::nanoseconds deadline) override {
        deadlines.push_back(deadline);
        if (interrupt_on_sleep != 0 && deadlines.size() == interrupt_on_sleep) {
            interrupted = true;  // as if SIGINT arrived during this sleep, `interrupted_after` into it
            m_now += interrupted_after;
            return false;
        }
        if (deadline > m_now) {
            m_now = deadline;
        }
        if (deadlines.size() == pause_after_sleep) {
            m_now += pause;  // as if the process was stopped (Ctrl-Z, SIGSTOP) during this sleep
        }
        return true;
    }
    // Simulates the work of an iteration taking time.
    void advance(std::chrono::nanoseconds by) { m_now += by; }

    std::vector<std::chrono::nanoseconds> deadlines;
    std::size_t interrupt_on_sleep = 0;  // 1-based; 0 = never
    std::chrono::nanoseconds interrupted_after{0};
    std::size_t pause_after_sleep = 0;  // 1-based; 0 = never
    std::chrono::nanoseconds pause{};   // how long the process stood still after that sleep
    bool interrupted = false;

  private:
    std::chrono::nanoseconds m_now{std::chrono::seconds(100)};
};

class FakeSampler final : public Sampler {
  public:
    FakeSampler(const Workload& workload, FakeClock& clock, std::uint64_t base_rss)
        : m_workload(workload), m_clock(clock), m_base(base_rss) {}
    MemorySample sample() override {
        ++samples;
        m_clock.advance(work_per_sample);
        MemorySample s;
        s.timestamp_ns = m_clock.now().count();
        s.rss_bytes = m_base + m_workload.counters().outstanding_bytes;
        m_max = std::max(m_max, s.rss_bytes);
        s.maxrss_bytes = m_max;
        return s;
    }
    std::optional<std::uint64_t> peak_rss_bytes() override { return m_max; }

    std::chrono::nanoseconds work_per_sample{std::chrono::milliseconds(3)};
    int samples = 0;

  private:
    const Workload& m_workload;
    FakeClock& m_clock;
    std::uint64_t m_base;
    std::uint64_t m_max = 0;
};

class RecordingSink final : public Sink {
  public:
    void record(const Record& record) override { records.push_back(record); }
    void note(Mode /*mode*/, std::uint64_t iteration, const std::string& text) override {
        notes.emplace_back(iteration, text);
    }
    void summary(const Summary& summary) override { summaries.push_back(summary); }

    std::vector<Record> records;
    std::vector<std::pair<std::uint64_t, std::string>> notes;
    std::vector<Summary> summaries;
};

// Refuses once outstanding + block would pass a fixed budget.
class BudgetGuard final : public Guard {
  public:
    explicit BudgetGuard(std::uint64_t budget) : m_budget(budget) {}
    std::optional<std::string> refuse(std::uint64_t outstanding, std::uint64_t block) override {
        if (outstanding + block > m_budget) {
            return std::string("over budget");
        }
        return std::nullopt;
    }

  private:
    std::uint64_t m_budget;
};

// Kernel files from a map (absent = unreadable, with a reason like the system's), rlimits as set.
class FakeSystemReader final : public SystemReader {
  public:
    Expected<std::string> read_file(const std::string& path) const override {
        const auto found = files.find(path);
        if (found == files.end()) {
            return Expected<std::string>::fail("No such file or directory");
        }
        return Expected<std::string>::ok(found->second);
    }
    ResourceLimits resource_limits() const override { return limits; }

    void set_available(std::uint64_t bytes) {
        files["/proc/meminfo"] =
            "MemTotal:       24683576 kB\nMemFree:        23000000 kB\nMemAvailable:   " +
            std::to_string(bytes / 1024) + " kB\nBuffers:           1234 kB\n";
    }

    std::map<std::string, std::string> files;
    ResourceLimits limits;
};

}  // namespace leakdemo::testing
