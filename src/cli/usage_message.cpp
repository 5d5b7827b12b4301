#include "cli/usage_message.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <numeric>
#include <vector>

namespace leakdemo {

std::size_t edit_distance(std::string_view a, std::string_view b) {
    // One row of the dynamic-programming table at a time.
    std::vector<std::size_t> row(b.size() + 1);
    std::iota(row.begin(), row.end(), std::size_t{0});
    for (std::size_t i = 1; i <= a.size(); ++i) {
        std::size_t diagonal = row[0];
        row[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t above = row[j];
            const std::size_t substitute = diagonal + (a[i - 1] == b[j - 1] ? 0 : 1);
            row[j] = std::min({above + 1, row[j - 1] + 1, substitute});
            diagonal = above;
        }
    }
    return row[b.size()];
}

std::optional<std::string> nearest_name(std::string_view word, std::span<const std::string> candidates) {
    word = word.substr(0, word.find('='));
    constexpr std::size_t max_distance = 2;
    std::optional<std::string> best;
    std::size_t best_distance = max_distance + 1;
    for (const std::string& candidate : candidates) {
        const std::size_t distance = edit_distance(word, candidate);
        if (distance < best_distance && distance < candidate.size()) {
            best = candidate;
            best_distance = distance;
        }
    }
    return best;
}

std::string unknown_argument_message(std::string_view argument, std::span<const std::string> names) {
    const std::optional<std::string> near = nearest_name(argument, names);
    const std::string hint = near ? fmt::format("; did you mean {}?", *near) : std::string{};
    if (argument.size() > 1 && argument.front() == '-') {
        const std::string_view flag = argument.substr(0, argument.find('='));
        return fmt::format("{}: no such option{} (see leakdemo --help)", flag, hint);
    }
    // The subcommands are in --help; a hint, when there is one, is the most useful thing to say.
    return near ? fmt::format("'{}': unexpected argument{}", argument, hint)
                : fmt::format("'{}': unexpected argument (see leakdemo --help)", argument);
}

std::string missing_value_message(std::string_view flag, std::string_view value_type) {
    if (value_type.empty()) {
        return fmt::format("{}: needs a value", flag);
    }
    return fmt::format("{}: needs a value ({})", flag, value_type);
}

std::string flag_with_value_message(std::string_view flag) {
    return fmt::format("{}: is a flag and takes no value (give {} alone)", flag, flag);
}

std::string excluded_message(std::string_view flag, std::string_view other) {
    return fmt::format("{}: cannot be combined with {}", flag, other);
}

}  // namespace leakdemo
