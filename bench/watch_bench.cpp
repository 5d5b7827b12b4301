// `leakdemo watch`'s costs (issue 12's performance targets; figures in bench/RESULTS.md, never a timed test):
// one sample of a tree of 1, 10 and 100 processes through kept descriptors, the same with the /proc scan on
// every sample (the worst case; watch rescans at most every 100 ms), and smaps_rollup against RSS.
#include <benchmark/benchmark.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <vector>

#include "watch/process_reader.hpp"
#include "watch/process_tree.hpp"

namespace {

using leakdemo::ProcessReader;
using leakdemo::ProcessTree;

// A child that holds `bytes` of touched memory and `children` children of its own, all sleeping until killed.
pid_t start_tree(int children, std::size_t bytes) {
    const pid_t root = ::fork();
    if (root == 0) {
        ::prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (bytes > 0) {
            void* block = ::mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
            std::memset(block, 0x5a, bytes);
        }
        for (int i = 0; i < children; ++i) {
            if (::fork() == 0) {
                ::prctl(PR_SET_PDEATHSIG, SIGKILL);
                ::pause();
                ::_exit(0);
            }
        }
        ::pause();
        ::_exit(0);
    }
    ::usleep(200000);  // let the tree (and the memset) settle before measuring
    return root;
}

void stop_tree(pid_t root) {
    ::kill(root, SIGKILL);
    ::waitpid(root, nullptr, 0);
}

void BM_TreeSample(benchmark::State& state) {
    const auto processes = static_cast<int>(state.range(0));
    const pid_t root = start_tree(processes - 1, 0);
    ProcessTree tree(root, true, "/proc", std::chrono::hours(1));  // one scan, then kept descriptors only
    tree.sample(std::chrono::nanoseconds{0}, false);
    for (auto _ : state) {
        benchmark::DoNotOptimize(tree.sample(std::chrono::nanoseconds{1}, false));
    }
    state.counters["processes"] =
        static_cast<double>(tree.sample(std::chrono::nanoseconds{1}, false).processes);
    stop_tree(root);
}
BENCHMARK(BM_TreeSample)->Arg(1)->Arg(10)->Arg(100)->Unit(benchmark::kMicrosecond);

void BM_TreeSampleWithScan(benchmark::State& state) {
    const auto processes = static_cast<int>(state.range(0));
    const pid_t root = start_tree(processes - 1, 0);
    ProcessTree tree(root, true, "/proc", std::chrono::nanoseconds{0});  // a /proc scan on every sample
    std::int64_t now = 0;
    for (auto _ : state) {
        benchmark::DoNotOptimize(tree.sample(std::chrono::nanoseconds{++now}, false));
    }
    stop_tree(root);
}
BENCHMARK(BM_TreeSampleWithScan)->Arg(1)->Arg(10)->Arg(100)->Unit(benchmark::kMicrosecond);

void BM_SmapsRollup(benchmark::State& state) {
    const std::size_t mib = static_cast<std::size_t>(state.range(0));
    const pid_t root = start_tree(0, mib << 20);
    ProcessReader reader;
    reader.open(root);
    for (auto _ : state) {
        benchmark::DoNotOptimize(reader.read_smaps());
    }
    state.counters["rss_mib"] = static_cast<double>(reader.read()->rss_bytes >> 20);
    stop_tree(root);
}
BENCHMARK(BM_SmapsRollup)->Arg(1)->Arg(100)->Arg(400)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
