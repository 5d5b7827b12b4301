// watch's wait (signal_wait.hpp): a signal that arrives after the "anything pending?" check but before
// ppoll blocks must end the wait at once. The test raises the signal inside the check itself, the last
// moment before the wait, and gives the wait a timeout far longer than the test: the answer (signal or
// timeout) says which happened, with no clock read and nothing depending on the machine's load.
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <array>
#include <chrono>

#include "watch/signal_wait.hpp"

namespace leakdemo {
namespace {

using std::chrono::seconds;

volatile sig_atomic_t g_handled = 0;
extern "C" void count_signal(int /*signal_number*/) {
    g_handled = g_handled + 1;
}

class SignalWait : public ::testing::Test {
  protected:
    void SetUp() override {
        struct sigaction action {};
        action.sa_handler = count_signal;
        sigemptyset(&action.sa_mask);
        ASSERT_EQ(::sigaction(SIGUSR1, &action, &m_previous_action), 0);
        sigemptyset(&m_waking);
        sigaddset(&m_waking, SIGUSR1);
        ASSERT_EQ(::pipe(m_pipe.data()), 0);
        g_handled = 0;
    }
    void TearDown() override {
        ::sigaction(SIGUSR1, &m_previous_action, nullptr);
        ::close(m_pipe[0]);
        ::close(m_pipe[1]);
    }
    struct sigaction m_previous_action {};
    sigset_t m_waking{};
    std::array<int, 2> m_pipe{-1, -1};
};

TEST_F(SignalWait, ASignalJustBeforeTheWaitEndsItAtOnce) {
    // Without the atomic unblock the handler would run inside the check, and the wait would then sleep
    // its whole 30 s and answer `timeout`.
    const WaitEnd end = wait_readable_or_signal(m_pipe[0], seconds(30), m_waking, [] {
        ::raise(SIGUSR1);
        return false;
    });
    EXPECT_EQ(end, WaitEnd::signal);
    EXPECT_EQ(g_handled, 1);
}

TEST_F(SignalWait, AFlagAlreadySetMeansNoWait) {
    EXPECT_EQ(wait_readable_or_signal(m_pipe[0], seconds(30), m_waking, [] { return true; }),
              WaitEnd::signal);
}

TEST_F(SignalWait, TheMaskIsRestoredAndTheSignalStaysDeliverable) {
    sigset_t before;
    ASSERT_EQ(::sigprocmask(SIG_SETMASK, nullptr, &before), 0);
    wait_readable_or_signal(m_pipe[0], seconds(30), m_waking, [] { return true; });
    sigset_t after;
    ASSERT_EQ(::sigprocmask(SIG_SETMASK, nullptr, &after), 0);
    EXPECT_EQ(::sigismember(&after, SIGUSR1), ::sigismember(&before, SIGUSR1));
    ::raise(SIGUSR1);  // unblocked again: handled before raise returns
    EXPECT_EQ(g_handled, 1);
}

TEST_F(SignalWait, AReadableFdAndATimeout) {
    ASSERT_EQ(::write(m_pipe[1], "x", 1), 1);
    EXPECT_EQ(wait_readable_or_signal(m_pipe[0], seconds(30), m_waking, [] { return false; }),
              WaitEnd::ready);
    char byte = 0;
    ASSERT_EQ(::read(m_pipe[0], &byte, 1), 1);
    EXPECT_EQ(wait_readable_or_signal(m_pipe[0], std::chrono::nanoseconds(0), m_waking, [] { return false; }),
              WaitEnd::timeout);
    EXPECT_EQ(wait_readable_or_signal(-1, std::chrono::milliseconds(1), m_waking, [] { return false; }),
              WaitEnd::timeout);
}

}  // namespace
}  // namespace leakdemo
