// compare's lock-step: the run loop asks its StepGate before every iteration, and the child's gate reads one
// byte from compare's pipe per iteration.
#include <gtest/gtest.h>
#include <unistd.h>

#include "app/step_gate.hpp"
#include "fakes.hpp"
#include "measure/run_loop.hpp"

namespace leakdemo {
namespace {

using namespace std::chrono_literals;
using testing::FakeClock;
using testing::FakeSampler;
using testing::FakeWorkload;
using testing::RecordingSink;

// Lets `steps` iterations start, then says stop; remembers how many records were out at each ask.
class CountingGate final : public StepGate {
  public:
    CountingGate(std::uint64_t steps, const RecordingSink& sink) : m_steps(steps), m_sink(sink) {}
    bool wait_for_step() override {
        records_out_when_asked.push_back(m_sink.records.size());
        return records_out_when_asked.size() <= m_steps;
    }
    std::vector<std::size_t> records_out_when_asked;

  private:
    std::uint64_t m_steps;
    const RecordingSink& m_sink;
};

TEST(StepGate, EachIterationWaitsForItsStepAndAClosedGateStopsTheRun) {
    FakeClock clock;
    FakeWorkload workload(Mode::leak, 4096, std::nullopt);
    FakeSampler sampler(workload, clock, 1 << 20);
    RecordingSink sink;
    NoGuard guard;
    CountingGate gate(3, sink);
    LoopParts parts{sampler, clock, workload, guard, sink, nullptr};
    parts.step_gate = &gate;
    const LoopResult result = run_loop(LoopConfig{10, 0ns}, parts);
    // Asked after the baseline, then after each iteration's sample: never two iterations on one step.
    EXPECT_EQ(gate.records_out_when_asked, (std::vector<std::size_t>{1, 2, 3, 4}));
    EXPECT_EQ(workload.steps(), 3U);
    EXPECT_EQ(result.summary.iterations, 3U);
    EXPECT_EQ(result.summary.stop_reason, StopReason::interrupted);
}

TEST(PipeStepGate, OneByteIsOneStepAndTheClosedEndIsTheStop) {
    int ends[2] = {-1, -1};
    ASSERT_EQ(::pipe(ends), 0);
    ASSERT_EQ(::write(ends[1], "ss", 2), 2);
    PipeStepGate gate(ends[0]);
    EXPECT_TRUE(gate.wait_for_step());
    EXPECT_TRUE(gate.wait_for_step());
    ::close(ends[1]);  // compare gone: no third step
    EXPECT_FALSE(gate.wait_for_step());
    ::close(ends[0]);
}

}  // namespace
}  // namespace leakdemo
