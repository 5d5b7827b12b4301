#include <gtest/gtest.h>

#include <map>

#include "fakes.hpp"
#include "measure/memory_guard.hpp"

namespace leakdemo {
namespace {

using namespace std::chrono_literals;
using testing::FakeClock;
using testing::FakeSystemReader;

constexpr std::uint64_t mib = std::uint64_t{1} << 20;
constexpr std::uint64_t gib = std::uint64_t{1} << 30;

// The margin kept back from a hard limit: max(16 MiB, limit / 16).
std::uint64_t margin(std::uint64_t limit) {
    return std::max<std::uint64_t>(16 * mib, limit / 16);
}

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

// One cgroup layout: the files that exist, and the headroom expected (nullopt: no limit from cgroups).
struct CgroupCase {
    const char* name;
    std::map<std::string, std::string> files;
    std::optional<std::uint64_t> headroom;
};

class CgroupHeadroomTable : public ::testing::TestWithParam<CgroupCase> {};

TEST_P(CgroupHeadroomTable, LimitMinusUsageMinusMargin) {
    FakeSystemReader system;
    system.files = GetParam().files;
    const auto room = cgroup_headroom(system);
    ASSERT_EQ(room.has_value(), GetParam().headroom.has_value());
    if (room) {
        EXPECT_EQ(room->bytes, *GetParam().headroom);
        EXPECT_NE(room->source.find("cgroup memory limit of "), std::string::npos) << room->source;
    }
}

const std::string v1_unlimited = "9223372036854771712\n";  // what cgroup v1 shows when no limit is set

INSTANTIATE_TEST_SUITE_P(
    Layouts, CgroupHeadroomTable,
    ::testing::Values(
        CgroupCase{"v1",
                   {{"/proc/self/cgroup", "9:name=systemd:/\n4:memory:/demo/run\n1:cpu,cpuacct:/\n0::/\n"},
                    {"/sys/fs/cgroup/memory/demo/run/memory.limit_in_bytes", "1073741824\n"},
                    {"/sys/fs/cgroup/memory/demo/run/memory.usage_in_bytes", "104857600\n"}},
                   gib - 100 * mib - margin(gib)},
        CgroupCase{"v1_huge_limit_is_unlimited",
                   {{"/proc/self/cgroup", "4:memory:/demo\n"},
                    {"/sys/fs/cgroup/memory/demo/memory.limit_in_bytes", v1_unlimited},
                    {"/sys/fs/cgroup/memory/demo/memory.usage_in_bytes", "3194880\n"},
                    {"/sys/fs/cgroup/memory/memory.limit_in_bytes", v1_unlimited}},
                   std::nullopt},
        CgroupCase{"v1_parent_limit_counts",
                   {{"/proc/self/cgroup", "4:memory:/outer/inner\n"},
                    {"/sys/fs/cgroup/memory/outer/inner/memory.limit_in_bytes", v1_unlimited},
                    {"/sys/fs/cgroup/memory/outer/memory.limit_in_bytes", std::to_string(512 * mib)},
                    {"/sys/fs/cgroup/memory/outer/memory.usage_in_bytes", std::to_string(12 * mib)}},
                   512 * mib - 12 * mib - margin(512 * mib)},
        CgroupCase{"v2",
                   {{"/proc/self/cgroup", "0::/user.slice/demo.scope\n"},
                    {"/sys/fs/cgroup/user.slice/demo.scope/memory.max", "268435456\n"},
                    {"/sys/fs/cgroup/user.slice/demo.scope/memory.current", "8388608\n"},
                    {"/sys/fs/cgroup/user.slice/memory.max", "max\n"}},
                   256 * mib - 8 * mib - margin(256 * mib)},
        CgroupCase{"v2_max_is_unlimited",
                   {{"/proc/self/cgroup", "0::/demo\n"},
                    {"/sys/fs/cgroup/demo/memory.max", "max\n"},
                    {"/sys/fs/cgroup/demo/memory.current", "8388608\n"}},
                   std::nullopt},
        // The path names the host's hierarchy; the container sees only its own cgroup, at the mount root.
        CgroupCase{"v2_inside_a_container",
                   {{"/proc/self/cgroup", "0::/kubepods/pod42/abc\n"},
                    {"/sys/fs/cgroup/memory.max", std::to_string(128 * mib)},
                    {"/sys/fs/cgroup/memory.current", std::to_string(20 * mib)}},
                   128 * mib - 20 * mib - margin(128 * mib)},
        CgroupCase{"v2_hybrid_unified_mount",
                   {{"/proc/self/cgroup", "0::/demo\n"},
                    {"/sys/fs/cgroup/unified/demo/memory.max", std::to_string(256 * mib)},
                    {"/sys/fs/cgroup/unified/demo/memory.current", "0\n"}},
                   256 * mib - margin(256 * mib)},
        CgroupCase{"usage_above_limit_leaves_nothing",
                   {{"/proc/self/cgroup", "0::/demo\n"},
                    {"/sys/fs/cgroup/demo/memory.max", std::to_string(64 * mib)},
                    {"/sys/fs/cgroup/demo/memory.current", std::to_string(60 * mib)}},
                   0}),
    [](const ::testing::TestParamInfo<CgroupCase>& param) { return std::string(param.param.name); });

TEST(CgroupHeadroom, UnreadableFilesMeanNoLimit) {
    FakeSystemReader system;
    EXPECT_FALSE(cgroup_headroom(system)) << "no /proc/self/cgroup";
    system.files["/proc/self/cgroup"] = "4:memory:/demo\n0::/demo\n";
    EXPECT_FALSE(cgroup_headroom(system)) << "no limit files readable";
    system.files["/sys/fs/cgroup/memory/demo/memory.limit_in_bytes"] = "garbage\n";
    EXPECT_FALSE(cgroup_headroom(system));
}

// rlimit_headroom with VmSize 10 MiB and VmData 2 MiB in /proc/self/status.
std::optional<Headroom> rlimit_headroom_with(ResourceLimits limits) {
    FakeSystemReader system;
    system.limits = limits;
    system.files["/proc/self/status"] = "Name:\tleakdemo\nVmSize:\t   10240 kB\nVmData:\t    2048 kB\n";
    return rlimit_headroom(system);
}

TEST(RlimitHeadroom, AddressSpaceMinusVmSizeMinusMargin) {
    const auto room = rlimit_headroom_with({200 * mib, std::nullopt});
    ASSERT_TRUE(room);
    EXPECT_EQ(room->bytes, 200 * mib - 10 * mib - margin(200 * mib));
    EXPECT_NE(room->source.find("RLIMIT_AS"), std::string::npos);
}

TEST(RlimitHeadroom, TheTighterOfAsAndData) {
    const auto room = rlimit_headroom_with({2 * gib, 300 * mib});
    ASSERT_TRUE(room);
    EXPECT_EQ(room->bytes, 300 * mib - 2 * mib - margin(300 * mib));
    EXPECT_NE(room->source.find("RLIMIT_DATA"), std::string::npos);
}

TEST(RlimitHeadroom, UnlimitedIsNoLimit) {
    EXPECT_FALSE(rlimit_headroom_with({}));
}

// resolve_budget on a machine with 8 GiB available and no cgroup or rlimit.
Expected<BudgetResolution> resolve_with_8_gib_available(std::optional<std::uint64_t> max_bytes,
                                                        std::optional<double> percent) {
    FakeSystemReader system;
    system.set_available(8 * gib);
    GuardRequest request;
    request.max_bytes = max_bytes;
    request.max_available_percent = percent;
    return resolve_budget(request, system);
}

TEST(ResolveBudget, DefaultIsHalfOfAvailable) {
    const auto resolution = resolve_with_8_gib_available(std::nullopt, std::nullopt);
    ASSERT_TRUE(resolution) << resolution.error();
    ASSERT_TRUE(resolution->budget);
    EXPECT_EQ(resolution->budget->bytes, 4 * gib);
    EXPECT_EQ(resolution->budget->source, "50% of available memory");
}

TEST(ResolveBudget, CgroupBelowHalfOfAvailableWins) {
    FakeSystemReader system;
    system.set_available(8 * gib);
    system.files["/proc/self/cgroup"] = "0::/demo\n";
    system.files["/sys/fs/cgroup/demo/memory.max"] = std::to_string(1 * gib);
    system.files["/sys/fs/cgroup/demo/memory.current"] = std::to_string(0);
    const auto resolution = resolve_budget(GuardRequest{}, system);
    ASSERT_TRUE(resolution) << resolution.error();
    ASSERT_TRUE(resolution->budget);
    EXPECT_EQ(resolution->budget->bytes, gib - margin(gib));
    EXPECT_NE(resolution->budget->source.find("cgroup"), std::string::npos);
}

TEST(ResolveBudget, RlimitBelowEverythingWins) {
    FakeSystemReader system;
    system.set_available(8 * gib);
    system.limits.address_space_bytes = 100 * mib;
    system.files["/proc/self/status"] = "VmSize:\t   8192 kB\n";
    const auto resolution = resolve_budget(GuardRequest{}, system);
    ASSERT_TRUE(resolution) << resolution.error();
    ASSERT_TRUE(resolution->budget);
    EXPECT_EQ(resolution->budget->bytes, 100 * mib - 8 * mib - 16 * mib);
}

TEST(ResolveBudget, PercentOfAvailable) {
    const auto resolution = resolve_with_8_gib_available(std::nullopt, 25.0);
    ASSERT_TRUE(resolution) << resolution.error();
    ASSERT_TRUE(resolution->budget);
    EXPECT_EQ(resolution->budget->bytes, 2 * gib);
    EXPECT_EQ(resolution->budget->source, "25% of available memory");
}

TEST(ResolveBudget, ExplicitSizeAboveHalfIsHonoured) {
    const auto resolution = resolve_with_8_gib_available(6 * gib, std::nullopt);
    ASSERT_TRUE(resolution) << resolution.error();
    ASSERT_TRUE(resolution->budget);
    EXPECT_EQ(resolution->budget->bytes, 6 * gib);
    EXPECT_EQ(resolution->budget->source, "--max-memory");
}

TEST(ResolveBudget, ExplicitSizeAboveWhatTheSystemCanGiveIsAnError) {
    const auto resolution = resolve_with_8_gib_available(9 * gib, std::nullopt);
    ASSERT_FALSE(resolution);
    EXPECT_NE(resolution.error().find("available memory"), std::string::npos) << resolution.error();
}

TEST(ResolveBudget, NoGuardAndNothingReadable) {
    FakeSystemReader system;
    GuardRequest off;
    off.enabled = false;
    const auto unguarded = resolve_budget(off, system);
    ASSERT_TRUE(unguarded);
    EXPECT_FALSE(unguarded->budget);
    const auto nothing = resolve_budget(GuardRequest{}, system);
    ASSERT_TRUE(nothing);
    EXPECT_FALSE(nothing->budget);
    EXPECT_FALSE(nothing->warning.empty()) << "running unguarded must be said";
}

TEST(ParseMaxMemory, SizesAndPercentages) {
    ASSERT_TRUE(parse_max_memory("64MiB"));
    EXPECT_EQ(parse_max_memory("64MiB").value().max_bytes, 64 * mib);
    ASSERT_TRUE(parse_max_memory("25%"));
    EXPECT_DOUBLE_EQ(*parse_max_memory("25%").value().max_available_percent, 25.0);
    EXPECT_DOUBLE_EQ(*parse_max_memory("12.5%").value().max_available_percent, 12.5);
    EXPECT_TRUE(parse_max_memory("100%"));
    for (const char* bad : {"0", "0%", "0.0%", "101%", "-5%", "%", ".%", "1e2%", "inf%", "nan%", "abc", "",
                            "5%%", "-1", "1.2.3%"}) {
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

// A guard that started with 8 GiB available and the default 50 % budget.
class GuardOnHalfOf8GiB : public ::testing::Test {
  protected:
    GuardOnHalfOf8GiB() { system.set_available(8 * gib); }
    FakeSystemReader system;
    FakeClock clock;
    MemoryGuard guard{Budget{4 * gib, "50% of available memory", 50, 8 * gib}, system, clock};
};

TEST_F(GuardOnHalfOf8GiB, RereadsAboutOnceASecondAndOnlyLowers) {
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

TEST_F(GuardOnHalfOf8GiB, OwnTouchedBlocksDoNotLowerTheBudget) {
    // leakdemo's own blocks reduce MemAvailable by what they hold: outstanding + headroom stays the same.
    system.set_available(7 * gib);
    clock.advance(1s);
    EXPECT_FALSE(guard.refuse(1 * gib, 1 * gib));
    EXPECT_EQ(guard.budget().bytes, 4 * gib);
}

}  // namespace
}  // namespace leakdemo
