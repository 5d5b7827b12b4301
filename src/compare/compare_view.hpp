#pragma once

#include <cstddef>
#include <cstdint>
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
// stopped early), the remaining notes, and then the summaries.
class RowMerger {
  public:
    RowMerger(const Comparison& comparison, std::vector<CompareView*> views)
        : m_comparison(comparison), m_views(std::move(views)) {}

    void emit_ready();
    // A child's note was appended to its run's notes: pass on those whose row is out.
    void emit_notes();
    void finish();

  private:
    void emit(const Record* first, const Record* second);
    void emit_notes_before(std::uint64_t iteration);

    const Comparison& m_comparison;
    std::vector<CompareView*> m_views;
    std::size_t m_emitted = 0;                // rows sent: iterations 0 .. m_emitted - 1
    std::size_t m_notes_emitted[2] = {0, 0};  // per child, notes sent
};

// The two-column summary for stderr: one column per child, both verdicts.
std::string format_compare_summary(const Comparison& comparison, bool color);

}  // namespace leakdemo
