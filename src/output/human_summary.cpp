#include "output/human_summary.hpp"

#include <fmt/color.h>
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdlib>
#include <string_view>

#include "output/explain_step.hpp"
#include "output/mode_words.hpp"
#include "output/style.hpp"
#include "util/units.hpp"

namespace leakdemo {
namespace {

// A slope of 0 samples is NaN: reported as 0.
double finite_or_zero(double value) {
    return std::isfinite(value) ? value : 0.0;
}

// What becomes of the memory a mode keeps reachable.
std::string_view held_words(Mode mode) {
    switch (mode) {
        case Mode::hold:
            return "still reachable: kept until exit";
        case Mode::interior:
            return "only pointers into the middle of each block kept";
        case Mode::fragment:
            return "kept chunks, freed at exit";
        default:
            return "still reachable, freed at exit";
    }
}

// "live session: leak 23, free 200, hold 12": every mode used, in the order first used.
std::string session_modes(std::span<const ModeUse> session) {
    std::string text = "live session: ";
    for (const ModeUse& use : session) {
        text +=
            fmt::format("{}{} {}", &use == session.data() ? "" : ", ", to_string(use.mode), use.iterations);
    }
    return text;
}

// The held line of a session: the one kind with its words, or each kind that holds memory with its own
// noun ("8.0 MiB (hold's blocks) + 256 KiB (fragment's kept chunks)").
std::string session_held(std::span<const ModeUse> session) {
    std::string text;
    const ModeUse* only = nullptr;
    std::size_t kinds = 0;
    for (const ModeUse& use : session) {
        if (use.held_bytes == 0) {
            continue;
        }
        only = &use;
        text += fmt::format("{}{} ({}'s {})", kinds++ == 0 ? "" : " + ", format_bytes(use.held_bytes),
                            to_string(use.mode), mode_words(use.mode).held);
    }
    if (kinds != 1) {
        return text;
    }
    return fmt::format("{} ({}'s {}; {})", format_bytes(only->held_bytes), to_string(only->mode),
                       mode_words(only->mode).held, held_words(only->mode));
}

// "1 block" / "3 blocks" after a byte figure.
std::string bytes_in_blocks(std::uint64_t bytes, std::uint64_t blocks) {
    return fmt::format("{} bytes in {} block{}", grouped(bytes), blocks, blocks == 1 ? "" : "s");
}

}  // namespace

std::string format_expected_lines(const LeakClassification& e) {
    std::string valgrind;
    const auto add = [&valgrind](std::string_view label, std::uint64_t bytes, std::uint64_t blocks) {
        if (bytes != 0 || blocks != 0) {
            valgrind +=
                fmt::format("{}{} {}", valgrind.empty() ? "" : ", ", label, bytes_in_blocks(bytes, blocks));
        }
    };
    add("definitely lost", e.definitely_lost_bytes, e.definitely_lost_blocks);
    add("indirectly lost", e.indirectly_lost_bytes, e.indirectly_lost_blocks);
    add("possibly lost", e.possibly_lost_bytes, e.possibly_lost_blocks);
    add("still reachable", e.still_reachable_bytes, e.still_reachable_blocks);
    std::string text;
    if (!valgrind.empty()) {
        text += fmt::format("  checkers     valgrind --leak-check=full should say: {}\n", valgrind);
    }
    if (e.untracked_bytes != 0) {
        text +=
            fmt::format("  untracked    {} bytes mmap'd outside malloc: no malloc-based checker sees them\n",
                        grouped(e.untracked_bytes));
    }
    return text;
}

RssChangeText format_rss_change(std::uint64_t start_bytes, std::uint64_t end_bytes) {
    const std::uint64_t larger = std::max(start_bytes, end_bytes);
    if (larger < 1024) {
        return {format_bytes(start_bytes), format_bytes(end_bytes),
                format_signed_bytes(static_cast<std::int64_t>(end_bytes) -
                                    static_cast<std::int64_t>(start_bytes))};
    }
    constexpr std::array<std::string_view, 6> names{"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
    double unit = 1;
    std::size_t index = 0;
    // The unit format_bytes would pick for the larger figure (1023.95 and up is the next unit).
    while (static_cast<double>(larger) / unit >= 1023.95 && index + 1 < names.size()) {
        unit *= 1024;
        ++index;
    }
    // Tenths of the unit, rounded once; the growth is computed from the rounded figures.
    const auto tenths = [unit](std::uint64_t bytes) {
        return std::llround(static_cast<double>(bytes) / unit * 10);
    };
    const long long start = tenths(start_bytes);
    const long long end = tenths(end_bytes);
    const auto text = [&](long long value) {
        return fmt::format("{}.{} {}", value / 10, value % 10, names[index]);
    };
    const long long growth = end - start;
    return {text(start), text(end),
            growth == 0 && start_bytes == end_bytes
                ? std::string("0 B")
                : fmt::format("{}{}", growth < 0 ? "-" : "+", text(std::llabs(growth)))};
}

std::string describe_rss_shape(const Summary& s) {
    const std::string slope =
        format_signed_bytes(std::llround(finite_or_zero(s.rss_growth_per_iteration_bytes)));
    if (s.verdict == Verdict::leaking || s.rss_peak_bytes == 0) {
        return fmt::format("{} per iteration",
                           slope);  // still growing (or no shape known: a decoded summary)
    }
    if (s.rss_peak_bytes <= s.rss_start_bytes) {
        return "never above the start";
    }
    if (s.rss_peak_iteration >= s.iterations) {
        return fmt::format("highest at the last iteration; {} per iteration on average", slope);
    }
    const std::uint64_t band = s.rss_peak_bytes - s.rss_low_after_peak_bytes;
    return fmt::format("rose to {} by iteration {}, then {}", format_bytes(s.rss_peak_bytes),
                       s.rss_peak_iteration,
                       band == 0 ? std::string("flat") : fmt::format("within {} of it", format_bytes(band)));
}

namespace {

// Why the rule could not decide (summary.hpp, verdict_for), in the words of the summary's own figures.
std::string why_inconclusive(const Summary& s) {
    if (s.verdict != Verdict::inconclusive) {
        return {};
    }
    if (s.iterations < min_iterations_for_verdict) {
        return fmt::format(" (the rule needs at least {} iterations)", min_iterations_for_verdict);
    }
    // What the mode would have grown by, against the growth one-time steps can fake (verdict_for).
    const VerdictBasis& basis = s.verdict_basis;
    return fmt::format(
        " ({} x {}{} is below the {} one-time steps can add)", s.iterations,
        format_bytes(verdict_growth_per_iteration_bytes(basis)),
        basis.retained_bytes > 0 && basis.retained_bytes != s.block_bytes ? " kept per iteration" : "",
        format_bytes(verdict_threshold_bytes(basis)));
}

}  // namespace

std::string format_eta_words(double seconds) {
    constexpr double day = 86400;
    if (!(seconds < day)) {
        return "more than a day";
    }
    return format_duration_words(seconds);
}

std::string format_budget_line(std::optional<std::uint64_t> budget_bytes, std::optional<double> eta_s) {
    if (!budget_bytes) {
        return {};
    }
    if (!eta_s) {
        return fmt::format("  budget       {}; memory is not growing\n", format_bytes(*budget_bytes));
    }
    if (*eta_s <= 0) {
        return fmt::format("  budget       {}; reached\n", format_bytes(*budget_bytes));
    }
    return fmt::format("  budget       {}; at this rate it is reached in {}\n", format_bytes(*budget_bytes),
                       format_eta_words(*eta_s));
}

std::string format_human_summary(const Summary& s, bool color, std::span<const ModeUse> session) {
    const std::string modes = session.empty() ? fmt::format("{} mode, {}", to_string(s.mode), s.iterations)
                                              : session_modes(session);
    std::string text =
        fmt::format("leakdemo: {} iteration{} of {} in {:.2f} s ({})\n", modes, s.iterations == 1 ? "" : "s",
                    format_bytes(s.block_bytes), s.elapsed_s, to_string(s.stop_reason));
    text += fmt::format("  requested    {}\n", format_bytes(s.requested_bytes));
    text += fmt::format("  leaked       {}{}\n", format_bytes(s.leaked_bytes),
                        s.leaked_bytes > 0 ? " (no pointer left: unreachable until exit)" : "");
    if (const std::string held = session_held(session); !held.empty()) {
        text += fmt::format("  held         {}\n", held);
    } else if (s.outstanding_bytes != s.leaked_bytes) {
        text += fmt::format("  held         {} ({})\n", format_bytes(s.outstanding_bytes - s.leaked_bytes),
                            held_words(s.mode));
    }
    text += format_expected_lines(s.expected);
    const RssChangeText rss = format_rss_change(s.rss_start_bytes, s.rss_end_bytes);
    text += fmt::format("  RSS          {} -> {} ({}", rss.start, rss.end, rss.growth);
    text += s.iterations > 0 ? fmt::format("; {})\n", describe_rss_shape(s)) : std::string(")\n");
    text += fmt::format("  peak         {} (VmHWM), {} (ru_maxrss, a high-water mark)\n",
                        s.hwm_bytes ? format_bytes(*s.hwm_bytes) : std::string("unknown"),
                        format_bytes(s.maxrss_bytes));
    if (s.iterations > 0) {
        text += fmt::format("  faults       {:.1f} minor page faults per block ({} in all)\n",
                            s.minor_faults_per_block, s.minor_faults);
    }
    text += format_budget_line(s.budget_bytes, s.budget_eta_s);
    const fmt::text_style verdict_style = s.verdict == Verdict::leaking        ? growth_style(color)
                                          : s.verdict == Verdict::inconclusive ? fmt::text_style{}
                                                                               : release_style(color);
    text += fmt::format("  verdict      {}{}\n", fmt::styled(to_string(s.verdict), verdict_style),
                        why_inconclusive(s));
    return text;
}

}  // namespace leakdemo
