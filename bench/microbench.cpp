// Microbenchmarks of what leakdemo does once per iteration besides the demonstrated work itself:
// take a sample (and each source it reads), format it, write it. Targets (bench/compare.sh checks them,
// never `make test`): ResourceSampler::sample() median <= 5 us; one CSV or JSONL row <= 1 us.
#include <benchmark/benchmark.h>
#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cstdlib>
#include <ctime>
#include <functional>
#include <memory>
#include <stdexcept>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include "measure/sampler.hpp"
#include "measure/workload.hpp"
#include "output/bars.hpp"
#include "output/formats.hpp"
#include "output/output.hpp"

namespace leakdemo {
namespace {

// A realistic row: the article's leak after 100 iterations, figures as a real sampler reports them.
Record sample_record() {
    Record record;
    record.iteration = 100;
    record.elapsed_ns = 123'456'789;
    record.mode = Mode::leak;
    record.block_bytes = 4'096'000;
    record.counters.blocks = 100;
    record.counters.requested_bytes = 409'600'000;
    record.counters.outstanding_bytes = 409'600'000;
    record.counters.leaked_bytes = 409'600'000;
    record.sample = ResourceSampler().sample();
    return record;
}

// /dev/null as the reader: the cost of the write(2) call itself, without a disk or a pipe behind it.
class DevNull {
  public:
    DevNull() : m_fd(::open("/dev/null", O_WRONLY | O_CLOEXEC)) {
        if (m_fd < 0) {
            throw std::runtime_error("cannot open /dev/null");
        }
    }
    ~DevNull() { ::close(m_fd); }
    DevNull(const DevNull&) = delete;
    DevNull& operator=(const DevNull&) = delete;
    int fd() const { return m_fd; }

  private:
    int m_fd;
};

// --- sampling: the whole sample and each source it reads -------------------------------------------

void BM_Sample(benchmark::State& state) {
    ResourceSampler sampler;
    for (auto _ : state) {
        benchmark::DoNotOptimize(sampler.sample());
    }
}
BENCHMARK(BM_Sample);

void BM_ClockGettime(benchmark::State& state) {
    for (auto _ : state) {
        timespec now{};
        ::clock_gettime(CLOCK_MONOTONIC, &now);
        benchmark::DoNotOptimize(now);
    }
}
BENCHMARK(BM_ClockGettime);

void BM_Getrusage(benchmark::State& state) {
    for (auto _ : state) {
        rusage usage{};
        benchmark::DoNotOptimize(::getrusage(RUSAGE_SELF, &usage));
        benchmark::DoNotOptimize(usage);
    }
}
BENCHMARK(BM_Getrusage);

// What the sampler does: pread at offset 0 on a descriptor opened once, then parse two numbers.
void BM_StatmPreadKeptFd(benchmark::State& state) {
    const int fd = ::open("/proc/self/statm", O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        state.SkipWithError("cannot open /proc/self/statm");
        return;
    }
    char text[128];
    for (auto _ : state) {
        const ssize_t length = ::pread(fd, text, sizeof text - 1, 0);
        text[length > 0 ? length : 0] = '\0';
        std::uint64_t size_pages = 0;
        std::uint64_t resident_pages = 0;
        benchmark::DoNotOptimize(parse_statm(text, size_pages, resident_pages));
        benchmark::DoNotOptimize(resident_pages);
    }
    ::close(fd);
}
BENCHMARK(BM_StatmPreadKeptFd);

// What the sampler avoids: open + read + close per sample (the reason the descriptor is kept).
void BM_StatmOpenReadClose(benchmark::State& state) {
    char text[128];
    for (auto _ : state) {
        const int fd = ::open("/proc/self/statm", O_RDONLY | O_CLOEXEC);
        benchmark::DoNotOptimize(::read(fd, text, sizeof text - 1));
        ::close(fd);
    }
}
BENCHMARK(BM_StatmOpenReadClose);

#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 33))
void BM_Mallinfo2(benchmark::State& state) {
    for (auto _ : state) {
        benchmark::DoNotOptimize(::mallinfo2());
    }
}
BENCHMARK(BM_Mallinfo2);
#endif

// --- formatting one sample: into the reused buffer, no write -----------------------------------------

// The same row through each formatter: BM_FormatRow/csv and BM_FormatRow/jsonl.
void BM_FormatRow(benchmark::State& state, void (*append_row)(fmt::memory_buffer&, const Record&)) {
    const Record record = sample_record();
    fmt::memory_buffer line;
    for (auto _ : state) {
        line.clear();
        append_row(line, record);
        benchmark::DoNotOptimize(line.data());
    }
}
BENCHMARK_CAPTURE(BM_FormatRow, csv, append_csv_row);
BENCHMARK_CAPTURE(BM_FormatRow, jsonl, append_jsonl_sample);

// --- one record through a real sink: formatting + the one write(2) per line -------------------------

void BM_WriteLineDevNull(benchmark::State& state) {
    const DevNull null;
    LineWriter out(null.fd());
    const Record record = sample_record();
    fmt::memory_buffer line;
    append_csv_row(line, record);
    for (auto _ : state) {
        out.write_line(line);
    }
}
BENCHMARK(BM_WriteLineDevNull);

void sink_to_dev_null(benchmark::State& state,
                      const std::function<std::unique_ptr<Sink>(LineWriter&)>& make) {
    const DevNull null;
    LineWriter out(null.fd());
    const std::unique_ptr<Sink> sink = make(out);
    Record record = sample_record();
    for (auto _ : state) {
        record.iteration += 1;  // the table prints a delta against the previous row: keep it real
        record.sample.rss_bytes += 4'100'096;
        sink->record(record);
    }
}

void BM_CsvSinkDevNull(benchmark::State& state) {
    sink_to_dev_null(state, [](LineWriter& out) { return make_csv_sink(out); });
}
BENCHMARK(BM_CsvSinkDevNull);

void BM_JsonlSinkDevNull(benchmark::State& state) {
    sink_to_dev_null(state, [](LineWriter& out) { return make_jsonl_sink(out); });
}
BENCHMARK(BM_JsonlSinkDevNull);

// The table row is formatted inside its sink; subtract BM_WriteLineDevNull for the formatting alone.
void BM_TableSinkDevNull(benchmark::State& state) {
    const TerminalCaps caps{true, true, true, 100};  // a colour UTF-8 terminal: the most work per row
    sink_to_dev_null(state, [&caps](LineWriter& out) { return make_table_sink(out, caps, Mode::leak); });
}
BENCHMARK(BM_TableSinkDevNull);

// --bars: the same row with a bar (a 100-column colour UTF-8 terminal, about 40 cells of bar).
void BM_BarTableSinkDevNull(benchmark::State& state) {
    const TerminalCaps caps{true, true, true, 100};
    sink_to_dev_null(state, [&caps](LineWriter& out) {
        // A scale far above the rows, so it never doubles and every row costs the same.
        return make_bar_table_sink(out, caps, Mode::leak, std::uint64_t{1} << 50);
    });
}
BENCHMARK(BM_BarTableSinkDevNull);

// --- a whole free-mode iteration: what bounds samples per second ------------------------------------

// `leakdemo --mode free -b 4KiB -i 0 --format csv`: malloc + memset + free of 4 KiB, sample, CSV row,
// write. The heap block is reused after the first round, so this is leakdemo's own cost per sample.
void BM_FreeModeIteration(benchmark::State& state) {
    const DevNull null;
    LineWriter out(null.fd());
    const std::unique_ptr<Sink> sink = make_csv_sink(out);
    ResourceSampler sampler;
    BlockWorkload workload({Mode::free, Touch::all, 4096, 0xFF});
    Record record = sample_record();
    record.mode = Mode::free;
    for (auto _ : state) {
        if (!workload.step()) {
            state.SkipWithError("malloc(4096) failed");
            break;
        }
        record.iteration += 1;
        record.counters = workload.counters();
        record.sample = sampler.sample();
        sink->record(record);
    }
}
BENCHMARK(BM_FreeModeIteration);

}  // namespace
}  // namespace leakdemo

BENCHMARK_MAIN();
