#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include "measure/sink.hpp"
#include "output/terminal.hpp"
#include "util/enum_names.hpp"

namespace leakdemo {

// --progress: the status line on stderr while the data goes elsewhere (docs/progress.md).
enum class ProgressMode { automatic, always, never };
template <>
inline constexpr auto enum_names<ProgressMode> = std::to_array<std::pair<ProgressMode, std::string_view>>(
    {{ProgressMode::automatic, "auto"}, {ProgressMode::always, "always"}, {ProgressMode::never, "never"}});

// Where the two streams go, as far as the progress line cares.
struct ProgressStreams {
    bool stderr_is_terminal = false;
    bool stderr_dumb = false;              // TERM=dumb: no \r-and-erase
    bool rows_on_stderr_terminal = false;  // stdout shows rows on the terminal stderr is on (the table)
    bool quiet = false;                    // -q: nothing on stderr but errors
};

// auto: only on a terminal stderr (not TERM=dumb) while no rows go to that terminal, and not with -q, so
// scripts, logs and `2>file` never see it. always: also when stderr is a file or a pipe (a CI log that
// renders \r, `script`) and with -q. Never where the table's own rows are drawn: they would be torn.
bool progress_wanted(ProgressMode mode, const ProgressStreams& streams);

// The streams of this process: stderr's terminal (and TERM), and whether stdout's rows (`rows_on_stdout`:
// a table or an export is written per sample) land on that same terminal.
ProgressStreams current_progress_streams(bool rows_on_stdout, bool quiet);

// The status line: "leakdemo: iteration 12 of 100, 1.2s, RSS 52.1 MiB, 9.0s left", redrawn in place
// (\r, erase to the end of the line, one write) at most 10 times a second, cut to the terminal's width
// (which follows SIGWINCH), and erased by the summary or when the sink goes away (an error, `| head`).
// The summary first draws the last record if the rate limit held it back, so a short run ends on its
// final iteration ("iteration 5 of 5"), not on the first one drawn.
// While it is shown, print_stderr erases it, writes its text and draws it again in one write, so a note
// or a warning never lands inside it. Its buffer is part of the object, made before the baseline: a
// sample allocates nothing.
class ProgressSink final : public Sink {
  public:
    ProgressSink(std::optional<std::uint64_t> iterations, const TerminalCaps& caps, int fd);
    ~ProgressSink() override;
    ProgressSink(const ProgressSink&) = delete;
    ProgressSink& operator=(const ProgressSink&) = delete;

    void record(const Record& record) override;
    void summary(const Summary& summary) override;

    static constexpr std::int64_t min_redraw_ns = 100'000'000;  // 10 redraws a second at most

  private:
    void draw(const Record& record);
    void erase();

    std::optional<std::uint64_t> m_iterations;
    TerminalCaps m_caps;
    int m_fd;
    int m_resizes_seen = 0;
    std::optional<std::int64_t> m_last_draw_ns;
    Record m_latest{};           // the newest record (a copy: no allocation), drawn or not
    bool m_latest_drawn = true;  // false while the rate limit holds m_latest back
    std::array<char, 320> m_line{};
    std::string_view m_shown;  // what is on the terminal now (into m_line), empty when nothing
};

}  // namespace leakdemo
