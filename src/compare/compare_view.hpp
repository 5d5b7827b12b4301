#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "compare/compare.hpp"
#include "output/formats.hpp"
#include "output/output.hpp"
#include "output/terminal.hpp"

namespace leakdemo {

// Where compare's merged rows go: the live table, or CSV / JSON Lines in the single-run schema.
class CompareView {
  public:
    virtual ~CompareView() = default;
    // One iteration; a side is null when that child stopped before reaching it.
    virtual void row(const Record* first, const Record* second) = 0;
    virtual void note(Mode /*mode*/, std::uint64_t /*iteration*/, const std::string& /*text*/) {}
    virtual void finish(const Comparison& /*comparison*/) {}
};

// table (RSS and max RSS of each child, the difference, a bar per child when the width allows), csv, jsonl.
std::unique_ptr<CompareView> make_compare_view(Format format, LineWriter& out, const TerminalCaps& caps,
                                               const Options& options);

// Emits iteration k to the views once both children reported it, each row followed by the --explain notes
// the children wrote for it (a note waits for its row); finish() sends what is left one-sided (a child that
// stopped early), the remaining notes, and then the summaries. Streaming: it holds only what waits for the
// other child (with compare's lock-step, at most one iteration's record and notes per child).
class RowMerger {
  public:
    RowMerger(const Comparison& comparison, std::vector<CompareView*> views)
        : m_comparison(comparison), m_views(std::move(views)) {}

    // The next record of child `side` (0 or 1), in iteration order.
    void add_record(std::size_t side, const Record& record);
    // A note of child `side`: passed on once the row of its iteration is out.
    void add_note(std::size_t side, Mode mode, std::uint64_t iteration, std::string text);
    void finish();

    // Rows sent: iterations 0 .. rows_emitted() - 1 have both sides (or one, after finish()).
    std::uint64_t rows_emitted() const { return m_emitted; }
    // Records of child `side` waiting for the other child.
    std::size_t pending_records(std::size_t side) const { return m_pending[side].size(); }

  private:
    struct PendingNote {
        Mode mode = Mode::leak;
        std::uint64_t iteration = 0;
        std::string text;
    };

    void emit(const Record* first, const Record* second);
    void emit_notes_before(std::uint64_t iteration);

    const Comparison& m_comparison;
    std::vector<CompareView*> m_views;
    std::uint64_t m_emitted = 0;  // rows sent: iterations 0 .. m_emitted - 1
    std::array<std::deque<Record>, 2> m_pending;
    std::array<std::deque<PendingNote>, 2> m_pending_notes;
};

// The two-column summary for stderr: one column per child, both verdicts.
std::string format_compare_summary(const Comparison& comparison, bool color);

}  // namespace leakdemo
