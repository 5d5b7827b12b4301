#pragma once

#include "measure/run_loop.hpp"

namespace leakdemo {

// compare's child side of the lock-step (--step-fd N, given by compare only): before each iteration the
// child reads one byte, which the parent writes once both children reported the iteration before. So one
// child is never more than one iteration ahead of the other. The wait ends at once on SIGINT/SIGTERM.
class PipeStepGate final : public StepGate {
  public:
    explicit PipeStepGate(int fd) : m_fd(fd) {}
    // True once a byte was read; false on a stop signal or when the parent's end is closed.
    bool wait_for_step() override;

  private:
    int m_fd;
};

}  // namespace leakdemo
