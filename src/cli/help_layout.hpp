#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace leakdemo {

// How --help is laid out (cli/help_formatter.cpp feeds CLI11's pieces through these): every line fits
// `help_width` columns, words are never split, and a line that cannot be shortened is left whole.
inline constexpr std::size_t help_width = 80;
inline constexpr std::size_t help_column = 32;  // where option descriptions start

// Columns a text takes on a terminal: UTF-8 code points (every character here is one column wide).
std::size_t text_columns(std::string_view text);

// `text` in lines of at most `width` columns, broken at spaces (and after a comma where a run without
// spaces, such as {leak,free,hold}, is too long); an explicit '\n' always starts a new line.
std::vector<std::string> wrap_words(std::string_view text, std::size_t width);

// One option or subcommand line of --help: `left` (names and value) from column 2, `description` from
// `column`, on the same line when the left part leaves room, else on the next; both wrapped to `width`.
std::string help_entry(std::string_view left, std::string_view description, std::size_t column = help_column,
                       std::size_t width = help_width);

// A free-text block (a footer): lines that start in column 0 and follow one another form a paragraph,
// filled again to `width`; an indented line (an example, a list item) stays a line of its own, and when
// longer than `width` is wrapped with its continuation indented two columns more. Empty lines stay.
std::string wrap_block(std::string_view text, std::size_t width = help_width);

}  // namespace leakdemo
