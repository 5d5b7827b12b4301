#pragma once

// Our words for what CLI11 rejects while parsing. No CLI11 here: cli.cpp catches CLI11's exception, picks
// the argument it was about, and one of these functions says it in one line that names the flag, with
// "did you mean ...?" for a near miss, so a user never reads CLI11's own wording.
#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace leakdemo {

// Levenshtein distance (insert, delete, substitute; one each), on bytes.
std::size_t edit_distance(std::string_view a, std::string_view b);

// The candidate nearest to `word` when it is at most 2 edits away (the first of equals), else nullopt. An
// option's "=value" is left out of the comparison.
std::optional<std::string> nearest_name(std::string_view word, std::span<const std::string> candidates);

// An argument nobody declared: an unknown option ("--colour") or a word where none is expected
// ("frobnicate"); `names` are every long option and subcommand.
std::string unknown_argument_message(std::string_view argument, std::span<const std::string> names);

// An option given without its value (`-n` at the end): which value it needs.
std::string missing_value_message(std::string_view flag, std::string_view value_type);

// A flag given a value ("--quiet=loud"): flags take none.
std::string flag_with_value_message(std::string_view flag);

// Two options that exclude each other, both given.
std::string excluded_message(std::string_view flag, std::string_view other);

}  // namespace leakdemo
