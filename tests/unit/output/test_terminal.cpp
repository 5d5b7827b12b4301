// Following the terminal's width: SIGWINCH counted by the handler, the width re-read (TIOCGWINSZ) before the
// next line, and the views laid out again. A pseudo-terminal stands in for the user's terminal, so the
// resize is real and nothing waits on time.
#include <gtest/gtest.h>
#include <pty.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <string>
#include <vector>

#include "output/bars.hpp"
#include "output/table.hpp"
#include "output/terminal.hpp"

namespace leakdemo {
namespace {

constexpr std::uint64_t mib = std::uint64_t{1} << 20;

// A pseudo-terminal pair whose size the test sets, as a terminal emulator does when its window changes.
class PseudoTerminal {
  public:
    explicit PseudoTerminal(unsigned short columns) {
        winsize size{};
        size.ws_col = columns;
        size.ws_row = 30;
        m_ok = ::openpty(&m_master, &m_slave, nullptr, nullptr, &size) == 0;
    }
    ~PseudoTerminal() {
        if (m_ok) {
            ::close(m_master);
            ::close(m_slave);
        }
    }
    PseudoTerminal(const PseudoTerminal&) = delete;
    PseudoTerminal& operator=(const PseudoTerminal&) = delete;

    bool ok() const { return m_ok; }
    int slave() const { return m_slave; }
    // The window is resized and the process told, the way the kernel tells the foreground process group.
    void resize(unsigned short columns) const {
        winsize size{};
        size.ws_col = columns;
        size.ws_row = 30;
        ::ioctl(m_master, TIOCSWINSZ, &size);
        std::raise(SIGWINCH);
    }

  private:
    int m_master = -1;
    int m_slave = -1;
    bool m_ok = false;
};

TerminalCaps caps_of(const PseudoTerminal& terminal, int width) {
    TerminalCaps caps{true, false, true, width};
    caps.fd = terminal.slave();
    return caps;
}

class SinkOutput {
  public:
    SinkOutput() : m_file(std::tmpfile()), m_writer(fileno(m_file)) {}
    ~SinkOutput() { std::fclose(m_file); }
    SinkOutput(const SinkOutput&) = delete;
    SinkOutput& operator=(const SinkOutput&) = delete;
    LineWriter& writer() { return m_writer; }
    std::vector<std::string> lines() {
        std::rewind(m_file);
        std::vector<std::string> result;
        char buffer[2048];
        while (std::fgets(buffer, sizeof buffer, m_file) != nullptr) {
            result.emplace_back(buffer);
            result.back().pop_back();
        }
        return result;
    }

  private:
    std::FILE* m_file;
    LineWriter m_writer;
};

Record record_at(std::uint64_t iteration, std::uint64_t rss_bytes) {
    Record record;
    record.iteration = iteration;
    record.counters.leaked_bytes = iteration * 4 * mib;
    record.sample.rss_bytes = rss_bytes;
    record.sample.maxrss_bytes = rss_bytes;
    return record;
}

class Resize : public ::testing::Test {
  protected:
    void SetUp() override {
        install_resize_handler();
        if (!terminal.ok()) {
            GTEST_SKIP() << "no pseudo-terminal here (openpty failed)";
        }
    }
    PseudoTerminal terminal{100};
};

TEST_F(Resize, RefreshWidthReadsTheNewWidthOnlyAfterASignal) {
    TerminalCaps caps = caps_of(terminal, 100);
    int seen = 0;
    refresh_width(caps, seen);  // whatever earlier tests raised
    EXPECT_FALSE(refresh_width(caps, seen));
    terminal.resize(60);
    EXPECT_TRUE(refresh_width(caps, seen));
    EXPECT_EQ(caps.width, 60);
    EXPECT_FALSE(refresh_width(caps, seen)) << "once per resize";
    terminal.resize(5);
    EXPECT_TRUE(refresh_width(caps, seen));
    EXPECT_EQ(caps.width, min_terminal_width) << "narrower than 20 is laid out as 20";
}

TEST_F(Resize, TheTableFollowsAShrinkAndAGrowWithANewHeaderEachTime) {
    SinkOutput output;
    const auto sink = make_table_sink(output.writer(), caps_of(terminal, 100), Mode::leak);
    sink->record(record_at(0, 8 * mib));
    terminal.resize(60);
    sink->record(record_at(1, 12 * mib));
    terminal.resize(100);
    sink->record(record_at(2, 16 * mib));
    const auto lines = output.lines();
    ASSERT_EQ(lines.size(), 6U);
    EXPECT_NE(lines[0].find("minor faults"), std::string::npos) << lines[0];
    EXPECT_EQ(lines[2], "  iter      leaked         rss     max rss       Δ rss") << "60 columns";
    EXPECT_LE(display_width(lines[3]), 59U) << lines[3];
    EXPECT_NE(lines[4].find("minor faults"), std::string::npos) << "back to 100 columns: " << lines[4];
}

TEST_F(Resize, TheBarsGrowAndShrinkWithTheTerminal) {
    SinkOutput output;
    const auto sink = make_bar_table_sink(output.writer(), caps_of(terminal, 100), Mode::leak, 64 * mib);
    sink->record(record_at(0, 32 * mib));
    terminal.resize(60);
    sink->record(record_at(1, 32 * mib));
    terminal.resize(120);
    sink->record(record_at(2, 32 * mib));
    const auto lines = output.lines();
    ASSERT_EQ(lines.size(), 6U);
    for (const std::string& line : lines) {
        EXPECT_LE(display_width(line), 119U) << line;
    }
    const auto bar_of = [](const std::string& line) { return display_width(line.substr(line.find("█"))); };
    EXPECT_LE(display_width(lines[3]), 59U) << lines[3];
    EXPECT_LT(bar_of(lines[3]), bar_of(lines[1])) << "narrower at 60 columns";
    EXPECT_GT(bar_of(lines[5]), bar_of(lines[1])) << "wider at 120 columns than at 100";
}

}  // namespace
}  // namespace leakdemo
