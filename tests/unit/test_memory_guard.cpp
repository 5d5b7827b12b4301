#include <gtest/gtest.h>

#include <map>

#include "fakes.hpp"
#include "leakdemo/memory_guard.hpp"

namespace leakdemo {
namespace {

using namespace std::chrono_literals;
using testing::FakeClock;

constexpr std::uint64_t mib = std::uint64_t{1} << 20;
constexpr std::uint64_t gib = std::uint64_t{1} << 30;

// Files from a map (absent = unreadable), rlimits as set.
class FakeSystemReader final : public SystemReader {
public:
    std::optional<std::string> read_file(const std::string& path) const override {
        const auto found = files.find(path);
        if (found == files.end()) {
            return std::nullopt;
        }
        return found->second;
    }
    ResourceLimits resource_limits() const override { return limits; }

    void set_available(std::uint64_t bytes) {
        files["/proc/meminfo"] = "MemTotal:       24683576 kB\nMemFree:        23000000 kB\nMemAvailable:   " +
                                 std::to_string(bytes / 1024) + " kB\nBuffers:           1234 kB\n";
    }

    std::map<std::string, std::string> files;
    ResourceLimits limits;
};

// The margin kept back from a hard limit: max(16 MiB, limit / 16).
std::uint64_t margin(std::uint64_t limit) { return std::max<std::uint64_t>(16 * mib, limit / 16); }

TEST(MemAvailable, ReadsKibFromMeminfo) {
    FakeSystemReader system;
    system.files["/proc/meminfo"] = "MemTotal: 100 kB\nMemAvailable:    2048 kB\n";
    ASSERT_TRUE(read_mem_available(system));
    EXPECT_EQ(*read_mem_available(system), 2048U * 1024U);
}

TEST(MemAvailable, UnreadableOrMissingIsUnknown) {
    FakeSystemReader system;
    EXPECT_FALSE(read_mem_available(system));
    system.files["/proc/meminfo"] = "MemTotal: 100 kB\nMemFree: 50 kB\n";  // kernels before 3.14
    EXPECT_FALSE(read_mem_available(system));
}

TEST(CgroupHeadroom, V1LimitMinusUsageMinusMargin) {
    FakeSystemReader system;
    system.files["/proc/self/cgroup"] = "9:name=systemd:/\n4:memory:/demo/run\n1:cpu,cpuacct:/\n0::/\n";
    system.files["/sys/fs/cgroup/memory/demo/run/memory.limit_in_bytes"] = "1073741824\n";
    system.files["/sys/fs/cgroup/memory/demo/run/memory.usage_in_bytes"] = "104857600\n";
    const auto room = cgroup_headroom(system);
    ASSERT_TRUE(room);
    EXPECT_EQ(room->bytes, gib - 100 * mib - margin(gib));
    EXPECT_NE(room->source.find("cgroup memory limit of 1.0 GiB"), std::string::npos) << room->source;
}

TEST(CgroupHeadroom, V1HugeLimitIsUnlimited) {
    FakeSystemReader system;
    system.files["/proc/self/cgroup"] = "4:memory:/demo\n";
    system.files["/sys/fs/cgroup/memory/demo/memory.limit_in_bytes"] = "9223372036854771712\n";
    system.files["/sys/fs/cgroup/memory/demo/memory.usage_in_bytes"] = "3194880\n";
    system.files["/sys/fs/cgroup/memory/memory.limit_in_bytes"] = "9223372036854771712\n";
    EXPECT_FALSE(cgroup_headroom(system));
}

TEST(CgroupHeadroom, V1ParentLimitCountsToo) {
    FakeSystemReader system;
    system.files["/proc/self/cgroup"] = "4:memory:/outer/inner\n";
    system.files["/sys/fs/cgroup/memory/outer/inner/memory.limit_in_bytes"] = "9223372036854771712\n";
    system.files["/sys/fs/cgroup/memory/outer/memory.limit_in_bytes"] = std::to_string(512 * mib);
    system.files["/sys/fs/cgroup/memory/outer/memory.usage_in_bytes"] = std::to_string(12 * mib);
    const auto room = cgroup_headroom(system);
    ASSERT_TRUE(room);
    EXPECT_EQ(room->bytes, 512 * mib - 12 * mib - margin(512 * mib));
}

TEST(CgroupHeadroom, V2MaxMinusCurrent) {
    FakeSystemReader system;
    system.files["/proc/self/cgroup"] = "0::/user.slice/demo.scope\n";
    system.files["/sys/fs/cgroup/user.slice/demo.scope/memory.max"] = "268435456\n";
    system.files["/sys/fs/cgroup/user.slice/demo.scope/memory.current"] = "8388608\n";
    system.files["/sys/fs/cgroup/user.slice/memory.max"] = "max\n";
    const auto room = cgroup_headroom(system);
    ASSERT_TRUE(room);
    EXPECT_EQ(room->bytes, 256 * mib - 8 * mib - margin(256 * mib));
}

TEST(CgroupHeadroom, V2MaxIsUnlimited) {
    FakeSystemReader system;
    system.files["/proc/self/cgroup"] = "0::/demo\n";
    system.files["/sys/fs/cgroup/demo/memory.max"] = "max\n";
    system.files["/sys/fs/cgroup/demo/memory.current"] = "8388608\n";
    EXPECT_FALSE(cgroup_headroom(system));
}

TEST(CgroupHeadroom, V2InsideAContainerReadsTheMountRoot) {
    // The path names the host's hierarchy; the container sees only its own cgroup, at the mount root.
    FakeSystemReader system;
    system.files["/proc/self/cgroup"] = "0::/kubepods/pod42/abc\n";
    system.files["/sys/fs/cgroup/memory.max"] = std::to_string(128 * mib);
    system.files["/sys/fs/cgroup/memory.current"] = std::to_string(20 * mib);
    const auto room = cgroup_headroom(system);
    ASSERT_TRUE(room);
    EXPECT_EQ(room->bytes, 128 * mib - 20 * mib - margin(128 * mib));
}

TEST(CgroupHeadroom, UnreadableFilesMeanNoLimit) {
    FakeSystemReader system;
    EXPECT_FALSE(cgroup_headroom(system)) << "no /proc/self/cgroup";
    system.files["/proc/self/cgroup"] = "4:memory:/demo\n0::/demo\n";
    EXPECT_FALSE(cgroup_headroom(system)) << "no limit files readable";
    system.files["/sys/fs/cgroup/memory/demo/memory.limit_in_bytes"] = "garbage\n";
    EXPECT_FALSE(cgroup_headroom(system));
}

TEST(CgroupHeadroom, UsageAboveLimitLeavesNothing) {
    FakeSystemReader system;
    system.files["/proc/self/cgroup"] = "0::/demo\n";
    system.files["/sys/fs/cgroup/demo/memory.max"] = std::to_string(64 * mib);
    system.files["/sys/fs/cgroup/demo/memory.current"] = std::to_string(60 * mib);
    const auto room = cgroup_headroom(system);
    ASSERT_TRUE(room);
    EXPECT_EQ(room->bytes, 0U);
}

TEST(RlimitHeadroom, AddressSpaceMinusVmSizeMinusMargin) {
    FakeSystemReader system;
    system.limits.address_space_bytes = 200 * mib;
    system.files["/proc/self/status"] = "Name:\tleakdemo\nVmSize:\t   10240 kB\nVmData:\t    2048 kB\n";
    const auto room = rlimit_headroom(system);
    ASSERT_TRUE(room);
    EXPECT_EQ(room->bytes, 200 * mib - 10 * mib - margin(200 * mib));
    EXPECT_NE(room->source.find("RLIMIT_AS"), std::string::npos);
}

TEST(RlimitHeadroom, TheTighterOfAsAndData) {
    FakeSystemReader system;
    system.limits.address_space_bytes = 2 * gib;
    system.limits.data_bytes = 300 * mib;
    system.files["/proc/self/status"] = "VmSize:\t   10240 kB\nVmData:\t    2048 kB\n";
    const auto room = rlimit_headroom(system);
    ASSERT_TRUE(room);
    EXPECT_EQ(room->bytes, 300 * mib - 2 * mib - margin(300 * mib));
    EXPECT_NE(room->source.find("RLIMIT_DATA"), std::string::npos);
}

TEST(RlimitHeadroom, UnlimitedIsNoLimit) {
    FakeSystemReader system;
    EXPECT_FALSE(rlimit_headroom(system));
}

TEST(ResolveBudget, DefaultIsHalfOfAvailable) {
    FakeSystemReader system;
    system.set_available(8 * gib);
    const auto resolution = resolve_budget(GuardRequest{}, system);
    ASSERT_TRUE(resolution.budget);
    EXPECT_EQ(resolution.budget->bytes, 4 * gib);
    EXPECT_EQ(resolution.budget->source, "50% of available memory");
    EXPECT_TRUE(resolution.error.empty());
}

TEST(ResolveBudget, CgroupBelowHalfOfAvailableWins) {
    FakeSystemReader system;
    system.set_available(8 * gib);
    system.files["/proc/self/cgroup"] = "0::/demo\n";
    system.files["/sys/fs/cgroup/demo/memory.max"] = std::to_string(1 * gib);
    system.files["/sys/fs/cgroup/demo/memory.current"] = std::to_string(0);
    const auto resolution = resolve_budget(GuardRequest{}, system);
    ASSERT_TRUE(resolution.budget);
    EXPECT_EQ(resolution.budget->bytes, gib - margin(gib));
    EXPECT_NE(resolution.budget->source.find("cgroup"), std::string::npos);
}

TEST(ResolveBudget, RlimitBelowEverythingWins) {
    FakeSystemReader system;
    system.set_available(8 * gib);
    system.limits.address_space_bytes = 100 * mib;
    system.files["/proc/self/status"] = "VmSize:\t   8192 kB\n";
    const auto resolution = resolve_budget(GuardRequest{}, system);
    ASSERT_TRUE(resolution.budget);
    EXPECT_EQ(resolution.budget->bytes, 100 * mib - 8 * mib - 16 * mib);
}

TEST(ResolveBudget, PercentOfAvailable) {
    FakeSystemReader system;
    system.set_available(8 * gib);
    GuardRequest request;
    request.max_available_percent = 25;
    const auto resolution = resolve_budget(request, system);
    ASSERT_TRUE(resolution.budget);
    EXPECT_EQ(resolution.budget->bytes, 2 * gib);
    EXPECT_EQ(resolution.budget->source, "25% of available memory");
}

TEST(ResolveBudget, ExplicitSizeAboveHalfIsHonoured) {
    FakeSystemReader system;
    system.set_available(8 * gib);
    GuardRequest request;
    request.max_bytes = 6 * gib;
    const auto resolution = resolve_budget(request, system);
    ASSERT_TRUE(resolution.budget);
    EXPECT_EQ(resolution.budget->bytes, 6 * gib);
    EXPECT_EQ(resolution.budget->source, "--max-memory");
}

TEST(ResolveBudget, ExplicitSizeAboveWhatTheSystemCanGiveIsAnError) {
    FakeSystemReader system;
    system.set_available(8 * gib);
    GuardRequest request;
    request.max_bytes = 9 * gib;
    const auto resolution = resolve_budget(request, system);
    EXPECT_FALSE(resolution.budget);
    EXPECT_NE(resolution.error.find("available memory"), std::string::npos) << resolution.error;
}

TEST(ResolveBudget, NoGuardAndNothingReadable) {
    FakeSystemReader system;
    GuardRequest off;
    off.enabled = false;
    EXPECT_FALSE(resolve_budget(off, system).budget);
    const auto nothing = resolve_budget(GuardRequest{}, system);
    EXPECT_FALSE(nothing.budget);
    EXPECT_FALSE(nothing.warning.empty()) << "running unguarded must be said";
}

TEST(ParseMaxMemory, SizesAndPercentages) {
    ASSERT_TRUE(parse_max_memory("64MiB"));
    EXPECT_EQ(parse_max_memory("64MiB").value().max_bytes, 64 * mib);
    ASSERT_TRUE(parse_max_memory("25%"));
    EXPECT_DOUBLE_EQ(*parse_max_memory("25%").value().max_available_percent, 25.0);
    EXPECT_DOUBLE_EQ(*parse_max_memory("12.5%").value().max_available_percent, 12.5);
    EXPECT_TRUE(parse_max_memory("100%"));
    for (const char* bad : {"0", "0%", "0.0%", "101%", "-5%", "%", ".%", "1e2%", "inf%", "nan%", "abc", "", "5%%",
                            "-1", "1.2.3%"}) {
        EXPECT_FALSE(parse_max_memory(bad)) << bad;
    }
}

TEST(MemoryGuard, RefusesTheBlockThatWouldPassTheBudget) {
    FakeSystemReader system;
    FakeClock clock;
    MemoryGuard guard(Budget{10 * mib, "--max-memory", 100, 0}, system, clock);
    EXPECT_FALSE(guard.refuse(0, 4 * mib));
    EXPECT_FALSE(guard.refuse(6 * mib, 4 * mib)) << "exactly at the budget is allowed";
    const auto why = guard.refuse(8 * mib, 4 * mib);
    ASSERT_TRUE(why);
    EXPECT_NE(why->find("10.0 MiB"), std::string::npos) << *why;
    EXPECT_TRUE(guard.refuse(0, 11 * mib));
}

TEST(MemoryGuard, RereadsAboutOnceASecondAndOnlyLowers) {
    FakeSystemReader system;
    system.set_available(8 * gib);
    FakeClock clock;
    MemoryGuard guard(Budget{4 * gib, "50% of available memory", 50, 8 * gib}, system, clock);

    // Another program takes 3 GiB: the promise to leave 4 GiB to others now leaves 1 GiB for leakdemo.
    system.set_available(5 * gib);
    EXPECT_FALSE(guard.refuse(0, 2 * gib)) << "no re-read before a second has passed";
    clock.advance(1s);
    EXPECT_TRUE(guard.refuse(0, 2 * gib));
    EXPECT_EQ(guard.budget().bytes, 1 * gib);

    // Memory comes back: the budget does not grow again.
    system.set_available(16 * gib);
    clock.advance(2s);
    EXPECT_TRUE(guard.refuse(0, 2 * gib));
    EXPECT_EQ(guard.budget().bytes, 1 * gib);
}

TEST(MemoryGuard, OwnTouchedBlocksDoNotLowerTheBudget) {
    // leakdemo's own blocks reduce MemAvailable by what they hold: outstanding + headroom stays the same.
    FakeSystemReader system;
    system.set_available(8 * gib);
    FakeClock clock;
    MemoryGuard guard(Budget{4 * gib, "50% of available memory", 50, 8 * gib}, system, clock);
    system.set_available(7 * gib);
    clock.advance(1s);
    EXPECT_FALSE(guard.refuse(1 * gib, 1 * gib));
    EXPECT_EQ(guard.budget().bytes, 4 * gib);
}

}  // namespace
}  // namespace leakdemo
