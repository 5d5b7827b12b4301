#include "check/lsan_report.hpp"

#include <fmt/format.h>

#include "check/report_text.hpp"

namespace leakdemo {
namespace {

// "N byte(s) in M object(s)" / "N byte(s) leaked in M allocation(s)" after a line's prefix.
std::optional<LsanFigures> figures_after(std::string_view text, std::string_view middle,
                                         std::string_view end) {
    const auto bytes = take_number(text);
    if (!bytes || !text.starts_with(middle)) {
        return std::nullopt;
    }
    text.remove_prefix(middle.size());
    const auto blocks = take_number(text);
    if (!blocks || !text.starts_with(end)) {
        return std::nullopt;
    }
    return LsanFigures{*bytes, *blocks, 0, 0};
}

bool add(std::uint64_t& total, std::uint64_t value) {
    if (total > UINT64_MAX - value) {
        return false;
    }
    total += value;
    return true;
}

}  // namespace

Expected<LsanFigures> parse_lsan_report(std::string_view report) {
    using Result = Expected<LsanFigures>;
    constexpr std::string_view direct = "Direct leak of ";
    constexpr std::string_view indirect = "Indirect leak of ";
    constexpr std::string_view summary = "SUMMARY: ";
    LsanFigures figures;
    std::optional<LsanFigures> totals;
    bool header = false;
    while (!report.empty()) {
        const auto newline = report.find('\n');
        std::string_view line = report.substr(0, newline);
        report.remove_prefix(newline == std::string_view::npos ? report.size() : newline + 1);
        header = header || line.find("LeakSanitizer: detected memory leaks") != std::string_view::npos;
        const bool is_direct = line.starts_with(direct);
        if (is_direct || line.starts_with(indirect)) {
            line.remove_prefix(is_direct ? direct.size() : indirect.size());
            const auto leak = figures_after(line, " byte(s) in ", " object(s)");
            if (!leak) {
                return Result::fail("a leak line without its bytes and objects");
            }
            auto& bytes = is_direct ? figures.direct_bytes : figures.indirect_bytes;
            auto& blocks = is_direct ? figures.direct_blocks : figures.indirect_blocks;
            if (!add(bytes, leak->direct_bytes) || !add(blocks, leak->direct_blocks)) {
                return Result::fail("leak figures beyond 64 bits");
            }
        } else if (const auto at = line.find(summary); at != std::string_view::npos) {
            line.remove_prefix(at + summary.size());
            const auto colon = line.find(": ");
            if (colon != std::string_view::npos) {
                totals = figures_after(line.substr(colon + 2), " byte(s) leaked in ", " allocation(s)");
            }
        }
    }
    const bool any = figures.direct_blocks + figures.indirect_blocks > 0;
    if ((header || any) && !totals) {
        return Result::fail("LeakSanitizer's report has no SUMMARY line (cut short?)");
    }
    if (totals && (totals->direct_bytes != figures.direct_bytes + figures.indirect_bytes ||
                   totals->direct_blocks != figures.direct_blocks + figures.indirect_blocks)) {
        return Result::fail(
            fmt::format("LeakSanitizer's SUMMARY ({} bytes in {} allocations) is not the sum of "
                        "its leak lines",
                        totals->direct_bytes, totals->direct_blocks));
    }
    return Result::ok(figures);
}

}  // namespace leakdemo
