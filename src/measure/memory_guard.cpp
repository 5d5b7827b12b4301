#include "measure/memory_guard.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <string_view>
#include <vector>

#include "util/units.hpp"

namespace leakdemo {
namespace {

constexpr std::uint64_t mib = std::uint64_t{1} << 20;
constexpr std::uint64_t kib = 1024;

// Limits at or above this are "unlimited": cgroup v1 writes PAGE_COUNTER_MAX (about 2^63) when no limit
// is set, and no machine this runs on has an exabyte.
constexpr std::uint64_t unlimited_threshold = std::uint64_t{1} << 60;

// What is kept back from a hard limit (cgroup, rlimit): leakdemo's own code, stack, output buffers,
// glibc's mmap headers (16 bytes + page rounding per block) and page tables must fit next to the blocks.
std::uint64_t margin_for(std::uint64_t limit) {
    return std::max<std::uint64_t>(16 * mib, limit / 16);
}

std::uint64_t minus_or_zero(std::uint64_t a, std::uint64_t b) {
    return a > b ? a - b : 0;
}

std::optional<std::uint64_t> parse_decimal(std::string_view text) {
    while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) {
        text.remove_suffix(1);
    }
    std::uint64_t value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc{} || end != text.data() + text.size() || text.empty()) {
        return std::nullopt;
    }
    return value;
}

// Calls `visit` with each line of `text` (without its '\n'). No iostreams: leakdemo reads these files at
// start, before its baseline sample, and iostreams' locale set-up alone costs ~200 KiB of resident pages.
template <typename Visit>
void for_each_line(std::string_view text, std::string_view separators, Visit visit) {
    while (!text.empty()) {
        const auto end = text.find_first_of(separators);
        visit(text.substr(0, end));
        if (end == std::string_view::npos) {
            break;
        }
        text.remove_prefix(end + 1);
    }
}

std::string_view skip_blanks(std::string_view text) {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) {
        text.remove_prefix(1);
    }
    return text;
}

// "Key:   12345 kB" lines, as in /proc/meminfo and /proc/self/status.
std::optional<std::uint64_t> read_kib_field(const SystemReader& system, const std::string& path,
                                            std::string_view key) {
    const auto text = system.read_file(path);
    if (!text) {
        return std::nullopt;
    }
    std::optional<std::uint64_t> found;
    bool seen = false;
    for_each_line(*text, "\n", [&](std::string_view line) {
        if (seen || line.size() <= key.size() || line.substr(0, key.size()) != key ||
            line[key.size()] != ':') {
            return;
        }
        seen = true;
        const std::string_view fields = skip_blanks(line.substr(key.size() + 1));
        std::uint64_t value = 0;
        const auto [rest, error] = std::from_chars(fields.data(), fields.data() + fields.size(), value);
        if (error != std::errc{} || rest == fields.data()) {
            return;
        }
        const std::string_view unit =
            skip_blanks(fields.substr(static_cast<std::size_t>(rest - fields.data())));
        found = unit.substr(0, 2) == "kB" ? value * kib : value;
    });
    return found;
}

// A limit file: a number, "max" (v2) or a huge number (v1) for none; unreadable is none too.
std::optional<std::uint64_t> read_limit(const SystemReader& system, const std::string& path) {
    const auto text = system.read_file(path);
    if (!text) {
        return std::nullopt;
    }
    const auto value = parse_decimal(*text);
    if (!value || *value >= unlimited_threshold) {
        return std::nullopt;
    }
    return value;
}

// The cgroup directory and its ancestors up to the mount's root, deepest first. Inside a container the
// path in /proc/self/cgroup may name the host's hierarchy while the mount shows only the container's
// part: then only the mount root itself is readable, and that is what the loop below ends with.
std::vector<std::string> cgroup_dirs(const std::string& mount, std::string path) {
    std::vector<std::string> dirs;
    while (!path.empty() && path != "/") {
        dirs.push_back(mount + path);
        path.erase(path.find_last_of('/'));
    }
    dirs.push_back(mount);
    return dirs;
}

struct CgroupFiles {
    std::vector<std::string> mounts;
    const char* limit_file;
    const char* usage_file;
};

// The tightest limit − usage over the directories of one hierarchy.
std::optional<Headroom> headroom_in(const SystemReader& system, const CgroupFiles& files,
                                    const std::string& path) {
    std::optional<Headroom> best;
    for (const std::string& mount : files.mounts) {
        for (const std::string& dir : cgroup_dirs(mount, path)) {
            const auto limit = read_limit(system, dir + "/" + files.limit_file);
            if (!limit) {
                continue;
            }
            // Usage unreadable next to a readable limit: assume the worst that is still useful, none used.
            const auto usage_text = system.read_file(dir + "/" + files.usage_file);
            const std::uint64_t usage = usage_text ? parse_decimal(*usage_text).value_or(0) : 0;
            const std::uint64_t room = minus_or_zero(*limit, usage + margin_for(*limit));
            if (!best || room < best->bytes) {
                best = Headroom{room, fmt::format("cgroup memory limit of {}", format_bytes(*limit))};
            }
        }
        if (best) {
            break;  // the first mount that knows this cgroup is the one
        }
    }
    return best;
}

}  // namespace

std::optional<std::uint64_t> read_mem_available(const SystemReader& system) {
    return read_kib_field(system, "/proc/meminfo", "MemAvailable");
}

std::optional<Headroom> cgroup_headroom(const SystemReader& system) {
    const auto text = system.read_file("/proc/self/cgroup");
    if (!text) {
        return std::nullopt;
    }
    // Lines are "id:controllers:path": v1 "4:memory:/a/b" (controllers may be a list), v2 "0::/a/b".
    std::optional<std::string> v1_path;
    std::optional<std::string> v2_path;
    for_each_line(*text, "\n", [&](std::string_view line) {
        const auto first = line.find(':');
        const auto second = first == std::string_view::npos ? first : line.find(':', first + 1);
        if (second == std::string_view::npos) {
            return;
        }
        const std::string_view controllers = line.substr(first + 1, second - first - 1);
        const std::string path(line.substr(second + 1));
        if (controllers.empty()) {
            v2_path = path;
            return;
        }
        for_each_line(controllers, ",", [&](std::string_view name) {
            if (name == "memory") {
                v1_path = path;
            }
        });
    });
    // A v1 memory controller, when there is one, is the one that limits (hybrid systems keep v2 without it).
    if (v1_path) {
        const CgroupFiles v1{{"/sys/fs/cgroup/memory"}, "memory.limit_in_bytes", "memory.usage_in_bytes"};
        if (auto room = headroom_in(system, v1, *v1_path)) {
            return room;
        }
    }
    if (v2_path) {
        const CgroupFiles v2{{"/sys/fs/cgroup", "/sys/fs/cgroup/unified"}, "memory.max", "memory.current"};
        return headroom_in(system, v2, *v2_path);
    }
    return std::nullopt;
}

std::optional<Headroom> rlimit_headroom(const SystemReader& system) {
    const ResourceLimits limits = system.resource_limits();
    std::optional<Headroom> best;
    const auto consider = [&](std::optional<std::uint64_t> limit, const char* status_key, const char* name) {
        if (!limit) {
            return;
        }
        // Unknown current use counts as none: the margin still applies.
        const std::uint64_t used = read_kib_field(system, "/proc/self/status", status_key).value_or(0);
        const std::uint64_t room = minus_or_zero(*limit, used + margin_for(*limit));
        if (!best || room < best->bytes) {
            best = Headroom{room, fmt::format("{} of {}", name, format_bytes(*limit))};
        }
    };
    consider(limits.address_space_bytes, "VmSize", "RLIMIT_AS");
    // Since Linux 4.7 RLIMIT_DATA counts private writable mappings, which VmData reports.
    consider(limits.data_bytes, "VmData", "RLIMIT_DATA");
    return best;
}

Expected<GuardRequest> parse_max_memory(std::string_view text) {
    GuardRequest request;
    if (!text.empty() && text.back() == '%') {
        std::string_view number = text.substr(0, text.size() - 1);
        // Strict decimal: digits with at most one '.', no sign, no exponent, no "inf".
        const bool decimal = !number.empty() && number.size() <= 16 &&
                             std::count(number.begin(), number.end(), '.') <= 1 &&
                             std::all_of(number.begin(), number.end(),
                                         [](char c) { return (c >= '0' && c <= '9') || c == '.'; }) &&
                             number != ".";
        double percent = 0;
        if (decimal) {
            std::from_chars(number.data(), number.data() + number.size(), percent);
        }
        if (!decimal) {
            return Expected<GuardRequest>::fail(fmt::format("'{}' is not a percentage (e.g. 25%)", text));
        }
        if (percent <= 0 || percent > 100) {
            return Expected<GuardRequest>::fail(
                fmt::format("'{}' must be more than 0% and at most 100% of available memory", text));
        }
        request.max_available_percent = percent;
        return Expected<GuardRequest>::ok(request);
    }
    const auto size = parse_size(text);
    if (!size) {
        return Expected<GuardRequest>::fail(size.error() +
                                            " (or a percentage of available memory, e.g. 25%)");
    }
    if (size.value() == 0) {
        return Expected<GuardRequest>::fail(
            "the budget must be more than 0 bytes (--no-guard turns the guard off)");
    }
    request.max_bytes = size.value();
    return Expected<GuardRequest>::ok(request);
}

Expected<BudgetResolution> resolve_budget(const GuardRequest& request, const SystemReader& system) {
    using Result = Expected<BudgetResolution>;
    BudgetResolution resolution;
    if (!request.enabled) {
        return Result::ok(resolution);
    }
    const auto available = read_mem_available(system);
    const auto cgroup = cgroup_headroom(system);
    const auto rlimit = rlimit_headroom(system);

    // The hard ceilings: what the machine, the cgroup and the rlimits can give at all.
    std::optional<Headroom> ceiling;
    const auto tighten = [](std::optional<Headroom>& current, const std::optional<Headroom>& candidate) {
        if (candidate && (!current || candidate->bytes < current->bytes)) {
            current = candidate;
        }
    };
    if (available) {
        tighten(ceiling, Headroom{*available, "available memory"});
    }
    tighten(ceiling, cgroup);
    tighten(ceiling, rlimit);

    if (request.max_bytes) {
        // An explicit size is honoured as given, but never past what the system can give: a budget above
        // it would only hand the stop back to the OOM killer.
        if (ceiling && *request.max_bytes > ceiling->bytes) {
            return Result::fail(fmt::format("{} is more than this system can give ({}: {})",
                                            format_bytes(*request.max_bytes), ceiling->source,
                                            format_bytes(ceiling->bytes)));
        }
        resolution.budget = Budget{*request.max_bytes, "--max-memory", 100.0, available.value_or(0)};
        return Result::ok(resolution);
    }

    const double percent = request.max_available_percent.value_or(default_available_percent);
    std::optional<Headroom> chosen;
    if (available) {
        const auto share = static_cast<std::uint64_t>(static_cast<double>(*available) * percent / 100.0);
        chosen = Headroom{share, fmt::format("{:g}% of available memory", percent)};
    }
    tighten(chosen, cgroup);
    tighten(chosen, rlimit);
    if (!chosen) {
        resolution.warning =
            "guard: no memory figure is readable (/proc/meminfo, cgroup, rlimits); running "
            "without a memory guard";
        return Result::ok(resolution);
    }
    resolution.budget = Budget{chosen->bytes, chosen->source, percent, available.value_or(0)};
    return Result::ok(resolution);
}

MemoryGuard::MemoryGuard(Budget budget, const SystemReader& system, Clock& clock,
                         std::chrono::nanoseconds reread_every)
    : m_budget(std::move(budget)),
      m_system(system),
      m_clock(clock),
      m_reread_every(reread_every),
      m_last_read(clock.now()) {}

void MemoryGuard::reread(std::uint64_t outstanding_bytes) {
    // Each source says how much more may be allocated now; outstanding + that is what it allows in total.
    // Only ever lower the budget: with --touch none the blocks cost no RAM, and the budget must not drift
    // upwards with them.
    const auto lower_to = [&](std::uint64_t allowed, const std::string& source) {
        if (allowed < m_budget.bytes) {
            m_budget.bytes = allowed;
            m_budget.source = source;
        }
    };
    if (m_budget.available_at_start > 0) {
        if (const auto available = read_mem_available(m_system)) {
            // Keep what was promised to the rest of the machine at start: (100 - percent)% of it.
            const auto reserve = static_cast<std::uint64_t>(static_cast<double>(m_budget.available_at_start) *
                                                            (100.0 - m_budget.available_percent) / 100.0);
            lower_to(outstanding_bytes + minus_or_zero(*available, reserve), "available memory shrank");
        }
    }
    if (const auto cgroup = cgroup_headroom(m_system)) {
        lower_to(outstanding_bytes + cgroup->bytes, cgroup->source);
    }
    if (const auto rlimit = rlimit_headroom(m_system)) {
        lower_to(outstanding_bytes + rlimit->bytes, rlimit->source);
    }
}

std::optional<std::string> MemoryGuard::refuse(std::uint64_t outstanding_bytes, std::uint64_t step_bytes) {
    const auto now = m_clock.now();
    if (now - m_last_read >= m_reread_every) {
        m_last_read = now;
        reread(outstanding_bytes);
    }
    // A step: one block in leak/free/hold, more in the zoo (every thread's block, a cycle's pair).
    if (step_bytes > m_budget.bytes || outstanding_bytes > m_budget.bytes - step_bytes) {
        return fmt::format(
            "{} in use (leaked + held, or RSS growth if larger) + the next step's {} would pass the "
            "budget of {} ({})",
            format_bytes(outstanding_bytes), format_bytes(step_bytes), format_bytes(m_budget.bytes),
            m_budget.source);
    }
    return std::nullopt;
}

}  // namespace leakdemo
