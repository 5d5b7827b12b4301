// The progress line (output/progress.hpp): when it is drawn, what it says, how often, and that it is gone
// at the end. It writes to a pipe here; the real terminal is in tests/e2e/test_progress.py.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <string>

#include "output/output.hpp"
#include "output/progress.hpp"

namespace leakdemo {
namespace {

class Pipe {
  public:
    Pipe() { EXPECT_EQ(::pipe2(m_fds, O_NONBLOCK), 0); }
    ~Pipe() {
        ::close(m_fds[0]);
        ::close(m_fds[1]);
    }
    int write_end() const { return m_fds[1]; }
    std::string drain() {
        std::string text;
        char buffer[4096];
        for (ssize_t got; (got = ::read(m_fds[0], buffer, sizeof buffer)) > 0;) {
            text.append(buffer, static_cast<std::size_t>(got));
        }
        return text;
    }

  private:
    int m_fds[2]{-1, -1};
};

Record record_at(std::uint64_t iteration, std::int64_t elapsed_ms, std::uint64_t rss_bytes) {
    Record record;
    record.iteration = iteration;
    record.elapsed_ns = elapsed_ms * 1'000'000;
    record.sample.rss_bytes = rss_bytes;
    return record;
}

TerminalCaps caps_of_width(int width) {
    TerminalCaps caps;
    caps.width = width;
    return caps;
}

TEST(ProgressWanted, AutoOnlyOnATerminalStderrWithoutRowsThere) {
    const ProgressStreams redirected{true, false, false, false};
    EXPECT_TRUE(progress_wanted(ProgressMode::automatic, redirected));
    EXPECT_FALSE(progress_wanted(ProgressMode::never, redirected));
    EXPECT_FALSE(progress_wanted(ProgressMode::automatic, {false, false, false, false}));  // 2>file
    EXPECT_FALSE(progress_wanted(ProgressMode::automatic, {true, true, false, false}));    // TERM=dumb
    EXPECT_FALSE(progress_wanted(ProgressMode::automatic, {true, false, true, false}));  // the table is there
    EXPECT_FALSE(progress_wanted(ProgressMode::automatic, {true, false, false, true}));  // -q
}

TEST(ProgressWanted, AlwaysForcesItButNeverOverTheTable) {
    EXPECT_TRUE(progress_wanted(ProgressMode::always, {false, false, false, true}));
    EXPECT_FALSE(progress_wanted(ProgressMode::always, {true, false, true, false}));
}

TEST(ProgressSink, SaysIterationElapsedRssAndTimeLeft) {
    Pipe pipe;
    ProgressSink progress(std::uint64_t{10}, caps_of_width(100), pipe.write_end());
    progress.record(record_at(0, 0, 4 << 20));
    EXPECT_EQ(pipe.drain(), "\r\x1b[Kleakdemo: iteration 0 of 10, 0.0s, RSS 4.0 MiB");
    progress.record(record_at(4, 2000, 20 << 20));
    EXPECT_EQ(pipe.drain(), "\r\x1b[Kleakdemo: iteration 4 of 10, 2.0s, RSS 20.0 MiB, 3.0s left");
}

TEST(ProgressSink, WithoutACountThereIsNoTimeLeft) {
    Pipe pipe;
    ProgressSink progress(std::nullopt, caps_of_width(100), pipe.write_end());
    progress.record(record_at(90, 125'000, std::uint64_t{3} << 29));
    EXPECT_EQ(pipe.drain(), "\r\x1b[Kleakdemo: iteration 90, 2m05s, RSS 1.50 GiB");
}

TEST(ProgressSink, RedrawsAtMostTenTimesASecond) {
    Pipe pipe;
    ProgressSink progress(std::uint64_t{1'000'000}, caps_of_width(100), pipe.write_end());
    int draws = 0;
    for (std::uint64_t i = 0; i <= 1000; ++i) {  // one record per millisecond for a second
        progress.record(record_at(i, static_cast<std::int64_t>(i), 1 << 20));
        draws += pipe.drain().empty() ? 0 : 1;
    }
    EXPECT_EQ(draws, 11);  // at 0, 100, ..., 1000 ms
}

TEST(ProgressSink, FitsANarrowTerminal) {
    Pipe pipe;
    ProgressSink progress(std::uint64_t{10}, caps_of_width(20), pipe.write_end());
    progress.record(record_at(4, 2000, 20 << 20));
    const std::string drawn = pipe.drain();
    EXPECT_EQ(drawn, "\r\x1b[Kleakdemo: iteration");  // 19 columns: the last one would wrap the line
}

TEST(ProgressSink, IsErasedByTheSummaryAndOnlyOnce) {
    Pipe pipe;
    {
        ProgressSink progress(std::uint64_t{10}, caps_of_width(80), pipe.write_end());
        progress.record(record_at(1, 100, 1 << 20));
        pipe.drain();
        progress.summary(Summary{});
        EXPECT_EQ(pipe.drain(), "\r\x1b[K");
    }
    EXPECT_EQ(pipe.drain(), "");  // nothing left to erase when it goes away
}

TEST(ProgressSink, IsErasedWhenItGoesAwayWithoutASummary) {
    Pipe pipe;
    {
        ProgressSink progress(std::uint64_t{10}, caps_of_width(80), pipe.write_end());
        progress.record(record_at(1, 100, 1 << 20));
        pipe.drain();
    }  // `| head`, an error: no summary came
    EXPECT_EQ(pipe.drain(), "\r\x1b[K");
}

// A note or warning written while the line is on stderr: erased, the text, drawn again, in one write.
TEST(ProgressSink, PrintStderrKeepsTheLineWhole) {
    Pipe pipe;
    const int saved = ::dup(STDERR_FILENO);
    ASSERT_GE(saved, 0);
    ASSERT_EQ(::dup2(pipe.write_end(), STDERR_FILENO), STDERR_FILENO);
    std::string written;
    {
        ProgressSink progress(std::uint64_t{10}, caps_of_width(80), STDERR_FILENO);
        progress.record(record_at(1, 100, 1 << 20));
        pipe.drain();
        print_stderr("leakdemo: note: iteration 1: a note\n");
        written = pipe.drain();
    }
    print_stderr("after\n");  // the line is gone: plain text again
    const std::string after = pipe.drain();
    ::dup2(saved, STDERR_FILENO);
    ::close(saved);
    EXPECT_EQ(written,
              "\r\x1b[Kleakdemo: note: iteration 1: a note\n\r\x1b[Kleakdemo: iteration 1 of 10, 0.1s, RSS "
              "1.0 MiB, 0.9s left");
    EXPECT_EQ(after, "\r\x1b[Kafter\n");
}

}  // namespace
}  // namespace leakdemo
