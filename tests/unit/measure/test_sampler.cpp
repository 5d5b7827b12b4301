#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/lsan_interface.h>
#endif

#include "fakes.hpp"
#include "measure/sampler.hpp"
#include "measure/workload.hpp"
#include "util/error.hpp"

namespace leakdemo {
namespace {

TEST(ParseStatm, ReadsSizeAndResidentPages) {
    std::uint64_t size = 0, resident = 0;
    ASSERT_TRUE(parse_statm("1570 967 788 1 0 229 0\n", size, resident));
    EXPECT_EQ(size, 1570U);
    EXPECT_EQ(resident, 967U);
    EXPECT_FALSE(parse_statm("", size, resident));
    EXPECT_FALSE(parse_statm("12", size, resident));
}

TEST(ParseVmHwm, FindsThePeakInKib) {
    const char* status = "\nName:\tleakdemo\nVmPeak:\t  10 kB\nVmHWM:\t    4316 kB\nVmRSS:\t 4316 kB\n";
    EXPECT_EQ(parse_vm_hwm(status), 4316U * 1024);
    EXPECT_EQ(parse_vm_hwm("VmHWM:\t7 kB\n"), 7U * 1024) << "the first line counts too";
    EXPECT_FALSE(parse_vm_hwm("\nVmRSS:\t 1 kB\n").has_value());
    EXPECT_FALSE(parse_vm_hwm("\nXVmHWM:\t 1 kB\n").has_value()) << "only a whole key matches";
    EXPECT_FALSE(parse_vm_hwm("\nVmHWM:\t kB\n").has_value());
}

// The peak comes through the injected reader, not from this machine's /proc.
TEST(ResourceSampler, ReadsThePeakThroughItsSystemReader) {
    testing::FakeSystemReader system;
    system.files["/proc/self/status"] = "Name:\tleakdemo\nVmPeak:\t  99999 kB\nVmHWM:\t  123456 kB\n";
    ResourceSampler sampler(system);
    EXPECT_EQ(sampler.peak_rss_bytes(), 123456U * 1024);
    system.files.clear();  // a /proc without status (a container that hides it): unknown, not an error
    EXPECT_EQ(sampler.peak_rss_bytes(), std::nullopt);
}

TEST(MaxRss, LinuxReportsKibibytes) {
#if defined(__linux__)
    EXPECT_EQ(maxrss_to_bytes(4004), 4004U * 1024);
#endif
    EXPECT_EQ(maxrss_to_bytes(-1), 0U);
}

TEST(ResourceSampler, FiguresAreSane) {
    ResourceSampler sampler;
    const MemorySample s = sampler.sample();
    EXPECT_GT(s.rss_bytes, 0U);
    EXPECT_GE(s.vsz_bytes, s.rss_bytes);
    EXPECT_GT(s.maxrss_bytes, 0U);
    EXPECT_GT(s.minor_faults, 0U);
    EXPECT_GT(s.timestamp_ns, 0);
    const auto peak = sampler.peak_rss_bytes();
    ASSERT_TRUE(peak.has_value());
    EXPECT_GE(*peak, s.rss_bytes / 2);
}

TEST(ResourceSampler, NeverOpensAFilePerSample) {
    ResourceSampler sampler;
    const int statm_fd = sampler.statm_descriptor();
    ASSERT_GE(statm_fd, 0);
    // Forbid any new descriptor: a sampler that opened /proc/self/statm per sample would now fail.
    rlimit original{};
    ASSERT_EQ(getrlimit(RLIMIT_NOFILE, &original), 0);
    rlimit none = original;
    none.rlim_cur = 0;
    ASSERT_EQ(setrlimit(RLIMIT_NOFILE, &none), 0);
    const int probe = ::open("/dev/null", O_RDONLY);
    EXPECT_LT(probe, 0) << "the limit must really forbid opening files";
    bool threw = false;
    MemorySample last;
    try {
        for (int i = 0; i < 1000; ++i) {
            last = sampler.sample();
        }
    } catch (...) {
        threw = true;
    }
    ASSERT_EQ(setrlimit(RLIMIT_NOFILE, &original), 0);
    if (probe >= 0) {
        ::close(probe);
    }
    EXPECT_FALSE(threw);
    // Real figures, not zeros: a sampler that opened per sample and swallowed the failure would fail here.
    EXPECT_GT(last.rss_bytes, 0U);
    EXPECT_GE(last.vsz_bytes, last.rss_bytes);
    EXPECT_EQ(sampler.statm_descriptor(), statm_fd);
}

// The workload must really commit memory in this (optimised) build: GCC at -O2 would otherwise delete
// malloc/memset/free or fold malloc+memset(0) into calloc.
struct CommitCase {
    Mode mode;
    Touch touch;
    unsigned char fill;
    bool expect_growth;
};

void PrintTo(const CommitCase& c, std::ostream* out) {
    *out << to_string(c.mode) << " touch=" << to_string(c.touch) << " fill=" << static_cast<int>(c.fill);
}

class WorkloadCommits : public ::testing::TestWithParam<CommitCase> {};

TEST_P(WorkloadCommits, ResidentMemoryMovesAsDesigned) {
    // Above 32 MiB, the most glibc's dynamic mmap threshold can rise to: every block is a fresh mmap,
    // whatever earlier tests in this process did. 2 MiB blocks were not: once any test had freed an
    // mmap'd block of 2 MiB or more (free mode does), the threshold rose above them, they came from the
    // heap and reused free heap memory that was still resident (malloc_trim(0) did not give it all back),
    // so a hold run in the same process grew by 14 MiB of 16 (the whole binary, or --gtest_repeat=2).
    constexpr std::uint64_t block = 33 << 20;
    constexpr int blocks = 2;
    const CommitCase c = GetParam();
    ResourceSampler sampler;
    const std::uint64_t before = sampler.sample().rss_bytes;
    {
        BlockWorkload workload({c.mode, c.touch, block, c.fill});
        for (int i = 0; i < blocks; ++i) {
            ASSERT_TRUE(workload.step());
        }
        const std::uint64_t after = sampler.sample().rss_bytes;
        const double grown = static_cast<double>(after) - static_cast<double>(before);
        if (c.expect_growth) {
            EXPECT_GT(grown, 0.95 * blocks * block) << "RSS must rise by every block";
            EXPECT_LT(grown, 1.10 * blocks * block);
        } else {
            EXPECT_LT(grown, 0.25 * block) << "RSS must not rise by the blocks";
        }
#if !defined(__SANITIZE_ADDRESS__)  // ASan's allocator serves blocks its own way: mallinfo2 sees none
        EXPECT_EQ(workload.counters().mmapped_blocks, static_cast<std::uint64_t>(blocks))
            << "each a fresh mmap";
#endif
        workload.release_reachable();  // hold keeps its blocks until exit otherwise
    }
}

INSTANTIATE_TEST_SUITE_P(Modes, WorkloadCommits,
                         ::testing::Values(CommitCase{Mode::hold, Touch::all, 0xFF, true},
                                           CommitCase{Mode::hold, Touch::all, 0x00, true},
                                           CommitCase{Mode::hold, Touch::page, 0x00, true},
                                           CommitCase{Mode::hold, Touch::none, 0xFF, false},
                                           CommitCase{Mode::free, Touch::all, 0x00, false}));

TEST(BlockWorkload, CountersAreExact) {
#if defined(__SANITIZE_ADDRESS__)
    __lsan::ScopedDisabler deliberate_leak;  // leak mode leaks 3 x 1000 bytes by design
#endif
    BlockWorkload leak({Mode::leak, Touch::none, 1000, 0});
    BlockWorkload free_mode({Mode::free, Touch::all, 1000, 1});
    BlockWorkload hold({Mode::hold, Touch::page, 1000, 2});
    for (int i = 0; i < 3; ++i) {
        ASSERT_TRUE(leak.step());
        ASSERT_TRUE(free_mode.step());
        ASSERT_TRUE(hold.step());
    }
    EXPECT_EQ(leak.counters().requested_bytes, 3000U);
    EXPECT_EQ(leak.counters().leaked_bytes, 3000U);
    EXPECT_EQ(leak.counters().outstanding_bytes, 3000U);
    EXPECT_EQ(free_mode.counters().requested_bytes, 3000U);
    EXPECT_EQ(free_mode.counters().outstanding_bytes, 0U);
    EXPECT_EQ(free_mode.counters().leaked_bytes, 0U);
    EXPECT_EQ(hold.counters().outstanding_bytes, 3000U);
    EXPECT_EQ(hold.counters().leaked_bytes, 0U);
    EXPECT_EQ(hold.counters().blocks, 3U);
    // What the checkers should say follows from the same bookkeeping: leak's three blocks are definitely
    // lost, free leaves nothing.
    EXPECT_EQ(leak.expected_at_exit().definitely_lost_bytes, 3000U);
    EXPECT_EQ(leak.expected_at_exit().definitely_lost_blocks, 3U);
    EXPECT_EQ(leak.expected_at_exit().possibly_lost_blocks, 0U);
    EXPECT_EQ(free_mode.expected_at_exit().definitely_lost_bytes, 0U);
    EXPECT_EQ(free_mode.expected_at_exit().still_reachable_bytes, 0U);
}

TEST(BlockWorkload, ScenarioModesHaveTheirOwnWorkloads) {
    EXPECT_THROW(BlockWorkload({Mode::cycle, Touch::all, 1000, 0}), Error);
}

TEST(BlockWorkload, FailedAllocationChangesNoCounter) {
    BlockWorkload workload({Mode::hold, Touch::all, std::uint64_t{1} << 62, 0});
    EXPECT_FALSE(workload.step());
    EXPECT_EQ(workload.counters().requested_bytes, 0U);
    EXPECT_EQ(workload.counters().blocks, 0U);
}

}  // namespace
}  // namespace leakdemo
