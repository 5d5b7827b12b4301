// watch --explain on synthetic samples: each note says what the figures show, and only when they show it.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "watch/watch_explain.hpp"

namespace leakdemo {
namespace {

constexpr std::uint64_t kib = 1024;
constexpr std::uint64_t mib = 1024 * kib;

WatchRecord sample(std::uint64_t iteration, std::uint64_t rss, std::uint64_t hwm) {
    WatchRecord r;
    r.iteration = iteration;
    r.rss_bytes = rss;
    r.hwm_bytes = hwm;
    r.rss_anon_bytes = rss;
    return r;
}

std::size_t count_notes(const std::vector<std::string>& notes, const std::string& part) {
    std::size_t found = 0;
    for (const std::string& note : notes) {
        if (note.find(part) != std::string::npos) {
            ++found;
        }
    }
    return found;
}

TEST(WatchExplainer, RssFellButVmHwmStaysEvenWhenHwmReadsBelowThePeakRss) {
    // As measured on this kernel: a 16 MiB block freed; VmHWM (17,480 KiB) read 224 KiB below the peak
    // RSS a sample saw (17,704 KiB), its counters being approximate. RSS fell to 1,316 KiB.
    WatchExplainer explainer;
    std::vector<std::string> notes;
    explainer.explain(sample(0, 1300 * kib, 1300 * kib));
    explainer.explain(sample(1, 17704 * kib, 17704 * kib));
    notes = explainer.explain(sample(2, 1316 * kib, 17480 * kib));
    EXPECT_EQ(count_notes(notes, "VmHWM stays at 17.1 MiB"), 1U) << (notes.empty() ? "" : notes.front());
    // Said once only.
    EXPECT_EQ(count_notes(explainer.explain(sample(3, 1316 * kib, 17480 * kib)), "VmHWM"), 0U);
}

TEST(WatchExplainer, NoHwmNoteWhileRssStaysNearItsPeak) {
    WatchExplainer explainer;
    explainer.explain(sample(0, 1 * mib, 1 * mib));
    explainer.explain(sample(1, 20 * mib, 20 * mib));
    // Down by 512 KiB: not a notable fall.
    EXPECT_EQ(count_notes(explainer.explain(sample(2, 20 * mib - 512 * kib, 20 * mib)), "VmHWM"), 0U);
}

}  // namespace
}  // namespace leakdemo
