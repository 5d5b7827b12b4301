#pragma once

// `leakdemo check`'s judgement and its views: what each checker should say (the mapping rules), the ✔/✗
// table, the lesson, and the same as one JSON Lines or CSV record per checker.

#include <string>
#include <vector>

#include "check/leak_figures.hpp"
#include "measure/summary.hpp"
#include "output/schema.hpp"
#include "output/terminal.hpp"

namespace leakdemo {

// What `checker` should report, from leakdemo's expected figures and the mode's LsanRule: valgrind all four
// categories as they are; LSan's direct leaks as definitely lost and its indirect as indirectly lost (or
// nothing for a pattern it does not report), and nothing (nullopt) for possibly lost and still reachable.
CategoryFigures expected_for(Checker checker, Mode mode, const LeakClassification& expected);

// The record of one checker's run: the run's summary, and what the checker reported (nullopt where silent).
// It agrees when every category is exactly as expected, bytes and blocks.
CheckRecord judge(Checker checker, const Summary& summary, const CategoryFigures& reported);

// The table: a row per category and figure (bytes, blocks) × (leakdemo expects, then each checker with ✔
// or ✗, `ok`/`X` without Unicode), then the rules and the lesson, wrapped to caps.width. Lines end in '\n'.
std::string render_check_table(const std::vector<CheckRecord>& records, const Summary& summary,
                               const TerminalCaps& caps);

// `text` cut at blanks into lines of at most `width` columns (a longer word stands alone), each line
// starting with `indent` blanks after the first; every line ends in '\n'.
std::string wrap_text(std::string_view text, std::size_t width, std::size_t indent = 0);

}  // namespace leakdemo
