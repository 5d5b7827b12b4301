// The /proc parsers on kernel text, and the reader on this process and on a PID that does not exist.
#include <gtest/gtest.h>
#include <unistd.h>

#include "watch/process_reader.hpp"
#include "watch/process_tree.hpp"

namespace leakdemo {
namespace {

TEST(ParseStatus, ReadsTheMemoryLinesInBytesAndThePpid) {
    const char* text =
        "Name:\tcat\nState:\tR (running)\nPPid:\t42\nVmSize:\t    8000 kB\nVmHWM:\t    1200 kB\n"
        "VmRSS:\t    1000 kB\nRssAnon:\t     100 kB\nRssFile:\t     880 kB\nRssShmem:\t      20 kB\n";
    ProcessFigures f;
    ASSERT_TRUE(parse_status(text, f));
    EXPECT_EQ(f.ppid, 42U);
    EXPECT_EQ(f.vsz_bytes, 8000U * 1024);
    EXPECT_EQ(f.hwm_bytes, 1200U * 1024);
    EXPECT_EQ(f.rss_bytes, 1000U * 1024);
    EXPECT_EQ(f.rss_anon_bytes, 100U * 1024);
    EXPECT_EQ(f.rss_file_bytes, 880U * 1024);
    EXPECT_EQ(f.rss_shmem_bytes, 20U * 1024);
}

TEST(ParseStatus, AZombieIsGone) {
    ProcessFigures f;
    EXPECT_FALSE(parse_status("Name:\tsh\nState:\tZ (zombie)\nPPid:\t1\n", f));
}

TEST(ParseStatus, AProcessWithoutMemoryIsGone) {
    // Exiting (its mm released) or a kernel thread: no Vm lines.
    ProcessFigures f;
    EXPECT_FALSE(parse_status("Name:\tkthreadd\nState:\tS (sleeping)\nPPid:\t0\n", f));
}

TEST(ParseStat, CountsFieldsFromTheLastParenthesis) {
    // comm with a blank and a ')' in it; minflt (field 10) = 777, majflt (field 12) = 5.
    const char* text = "123 (a b) c) S 1 123 123 0 -1 4194304 777 0 5 0 1 2 0 0 20 0 1 0 100 1000 50\n";
    ProcessFigures f;
    ASSERT_TRUE(parse_stat(text, f));
    EXPECT_EQ(f.minor_faults, 777U);
    EXPECT_EQ(f.major_faults, 5U);
    EXPECT_EQ(f.flags, 4194304U);  // field 9
    EXPECT_FALSE(parse_stat("garbage", f));
}

TEST(IsKernelThread, ReadsPfKthreadFromStat) {
    // This test process is a user process; kthreadd (PID 2) is a kernel thread wherever /proc shows it.
    EXPECT_FALSE(is_kernel_thread(::getpid()));
    EXPECT_FALSE(is_kernel_thread(0));  // no /proc/0: not a kernel thread, just absent
    ProcessFigures f;
    ASSERT_TRUE(parse_stat("2 (kthreadd) S 0 0 0 0 -1 2129984 0 0 0 0 0 0 0 0 20 0 1 0 1 0 0\n", f));
    EXPECT_NE(f.flags & 0x00200000U, 0U);
}

TEST(ParseSmapsRollup, PssAndPrivatePages) {
    const char* text =
        "00400000-7ffc [rollup]\nRss:    5000 kB\nPss:    3000 kB\nShared_Clean: 1 kB\n"
        "Private_Clean:   200 kB\nPrivate_Dirty:  1800 kB\n";
    SmapsFigures f;
    ASSERT_TRUE(parse_smaps_rollup(text, f));
    EXPECT_EQ(f.pss_bytes, 3000U * 1024);
    EXPECT_EQ(f.uss_bytes, 2000U * 1024);
}

TEST(ProcessReader, ReadsThisProcessWithoutReopening) {
    ProcessReader reader;
    ASSERT_TRUE(reader.open(::getpid()));
    const auto first = reader.read();
    ASSERT_TRUE(first);
    EXPECT_GT(first->rss_bytes, 0U);
    EXPECT_EQ(first->ppid, static_cast<std::uint64_t>(::getppid()));
    EXPECT_TRUE(reader.read());  // the same descriptors, read again
}

TEST(ProcessTree, AVanishedPidIsNotAlive) {
    ProcessTree tree(4194000, true);  // above any PID this test machine hands out
    EXPECT_FALSE(tree.sample(std::chrono::nanoseconds{0}, true).root_alive);
}

}  // namespace
}  // namespace leakdemo
