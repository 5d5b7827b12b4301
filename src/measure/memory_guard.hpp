#pragma once

// The memory guard: stops the run before the kernel would (OOM killer: SIGKILL, exit 137). With default
// overcommit malloc does not return NULL for a runaway leak, so the guard works from figures it reads:
// MemAvailable, the cgroup's limit and usage, and the rlimits (MEMORY-FACTS.md, "Running out of memory").
// Linux-only: the figures come from /proc and /sys/fs/cgroup. Where they cannot be read there is no limit
// from that source, never an error.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "measure/clock.hpp"
#include "measure/guard.hpp"
#include "measure/system_reader.hpp"
#include "util/units.hpp"

namespace leakdemo {

// How much more this process may allocate according to one source, and the words for that source.
struct Headroom {
    std::uint64_t bytes = 0;
    std::string source;
};

// MemAvailable from /proc/meminfo, in bytes.
std::optional<std::uint64_t> read_mem_available(const SystemReader& system);
// The tightest cgroup memory limit (v1 or v2, this cgroup and its ancestors) minus usage minus a margin.
std::optional<Headroom> cgroup_headroom(const SystemReader& system);
// The tighter of RLIMIT_AS − VmSize and RLIMIT_DATA − VmData, minus a margin.
std::optional<Headroom> rlimit_headroom(const SystemReader& system);

// What the command line asked of the guard.
struct GuardRequest {
    bool enabled = true;                          // false: --no-guard
    std::optional<std::uint64_t> max_bytes;       // --max-memory SIZE
    std::optional<double> max_available_percent;  // --max-memory N% (0 < N <= 100); default 50
};

inline constexpr double default_available_percent = 50.0;

// --max-memory: a size ("64MiB", as parse_size) or a share of available memory ("25%", "12.5%"; more than
// 0, at most 100). The result has max_bytes or max_available_percent set.
Expected<GuardRequest> parse_max_memory(std::string_view text);

// The budget: the most `outstanding_bytes + block` may reach, and which source set it.
struct Budget {
    std::uint64_t bytes = 0;
    std::string source;            // e.g. "50% of available memory", "cgroup memory limit", "--max-memory"
    double available_percent = 0;  // the share of MemAvailable the guard keeps to while running (re-read)
    std::uint64_t available_at_start = 0;
};

// The budget resolved from the request and the system. nullopt budget: the guard is off (--no-guard) or
// no figure could be read (then `warning` says so). A failure is a message that completes
// "--max-memory: ...". `compare` splits the budget this returns between its children (each gets
// --max-memory bytes/N).
struct BudgetResolution {
    std::optional<Budget> budget;
    std::string warning;  // non-empty: one line for stderr (e.g. no figure readable)
};
Expected<BudgetResolution> resolve_budget(const GuardRequest& request, const SystemReader& system);

// The Guard the run loop asks. Re-reads the figures about once a second (on the injected clock, so the
// check per iteration stays a comparison) and only ever lowers the budget: when other programs take
// memory while leakdemo runs, it stops earlier.
class MemoryGuard final : public Guard {
  public:
    void warm_up() override { reread(0); }
    MemoryGuard(Budget budget, const SystemReader& system, Clock& clock,
                std::chrono::nanoseconds reread_every = std::chrono::seconds(1));
    std::optional<std::string> refuse(std::uint64_t outstanding_bytes, std::uint64_t step_bytes) override;
    const Budget& budget() const { return m_budget; }

  private:
    void reread(std::uint64_t outstanding_bytes);

    Budget m_budget;
    const SystemReader& m_system;
    Clock& m_clock;
    std::chrono::nanoseconds m_reread_every;
    std::chrono::nanoseconds m_last_read;
};

}  // namespace leakdemo
