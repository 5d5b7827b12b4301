#include "cli/help_layout.hpp"

#include <algorithm>

namespace leakdemo {
namespace {

// Where `word` (too long for `width`) may break: after a comma, as late as fits; npos when nowhere.
std::size_t comma_break(std::string_view word, std::size_t width) {
    std::size_t best = std::string_view::npos;
    for (std::size_t i = 0; i < word.size(); ++i) {
        if (word[i] == ',' && text_columns(word.substr(0, i + 1)) <= width) {
            best = i + 1;
        }
    }
    return best;
}

// Greedy filling of one paragraph (no '\n' in it).
void wrap_paragraph(std::string_view paragraph, std::size_t width, std::vector<std::string>& lines) {
    std::string line;
    std::size_t start = 0;
    while (start <= paragraph.size()) {
        std::size_t end = paragraph.find(' ', start);
        if (end == std::string_view::npos) {
            end = paragraph.size();
        }
        std::string_view word = paragraph.substr(start, end - start);
        start = end + 1;
        if (word.empty()) {
            continue;
        }
        // A word that fits on no line is broken after a comma where it can be.
        while (text_columns(word) > width) {
            const std::size_t room = line.empty() ? width : width - std::min(width, text_columns(line) + 1);
            const std::size_t cut = comma_break(word, room);
            if (cut == std::string_view::npos) {
                if (line.empty()) {
                    break;  // nowhere to break: the word stays whole
                }
                lines.push_back(std::move(line));
                line.clear();
                continue;
            }
            line += line.empty() ? "" : " ";
            line += word.substr(0, cut);
            lines.push_back(std::move(line));
            line.clear();
            word.remove_prefix(cut);
        }
        if (!line.empty() && text_columns(line) + 1 + text_columns(word) > width) {
            lines.push_back(std::move(line));
            line.clear();
        }
        line += line.empty() ? "" : " ";
        line += word;
    }
    if (!line.empty() || lines.empty()) {
        lines.push_back(std::move(line));
    }
}

}  // namespace

std::size_t text_columns(std::string_view text) {
    return static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char c) {
        return (static_cast<unsigned char>(c) & 0xC0U) != 0x80U;  // not a UTF-8 continuation byte
    }));
}

std::vector<std::string> wrap_words(std::string_view text, std::size_t width) {
    std::vector<std::string> lines;
    width = std::max<std::size_t>(width, 1);
    std::size_t start = 0;
    while (true) {
        const std::size_t end = text.find('\n', start);
        wrap_paragraph(text.substr(start, end == std::string_view::npos ? end : end - start), width, lines);
        if (end == std::string_view::npos) {
            return lines;
        }
        start = end + 1;
    }
}

std::string help_entry(std::string_view left, std::string_view description, std::size_t column,
                       std::size_t width) {
    constexpr std::size_t indent = 2;
    constexpr std::size_t left_continuation = 6;
    std::string out;
    const std::vector<std::string> left_lines = wrap_words(left, width - indent);
    std::size_t used = 0;  // columns on the current (last) line
    for (std::size_t i = 0; i < left_lines.size(); ++i) {
        const std::size_t pad = i == 0 ? indent : left_continuation;
        if (i > 0) {
            out += '\n';
        }
        out.append(pad, ' ');
        out += left_lines[i];
        used = pad + text_columns(left_lines[i]);
    }
    if (description.empty()) {
        return out + '\n';
    }
    const std::vector<std::string> lines = wrap_words(description, width - column);
    for (std::size_t i = 0; i < lines.size(); ++i) {
        if (i == 0 && used + 2 <= column) {
            out.append(column - used, ' ');
        } else {
            out += '\n';
            out.append(column, ' ');
        }
        out += lines[i];
    }
    return out + '\n';
}

std::string wrap_block(std::string_view text, std::size_t width) {
    std::vector<std::string_view> lines;
    for (std::size_t start = 0; start < text.size();) {
        const std::size_t end = std::min(text.find('\n', start), text.size());
        lines.push_back(text.substr(start, end - start));
        start = end + 1;
    }
    const auto starts_in_column_0 = [](std::string_view line) { return !line.empty() && line[0] != ' '; };
    std::string out;
    for (std::size_t i = 0; i < lines.size();) {
        // A paragraph: lines from column 0, kept as written when each fits, else filled again.
        std::size_t end = i;
        bool fits = true;
        while (end < lines.size() && starts_in_column_0(lines[end])) {
            fits = fits && text_columns(lines[end]) <= width;
            ++end;
        }
        if (end > i && !fits) {
            std::string paragraph;
            for (std::size_t j = i; j < end; ++j) {
                paragraph += (j == i ? "" : " ");
                paragraph += lines[j];
            }
            for (const std::string& part : wrap_words(paragraph, width)) {
                out += part + "\n";
            }
            i = end;
            continue;
        }
        end = std::max(end, i + 1);
        for (; i < end; ++i) {
            const std::string_view line = lines[i];
            if (text_columns(line) <= width) {
                out += std::string(line) + "\n";
                continue;
            }
            // An indented line too long: wrapped, continued two columns further in.
            const std::size_t indent = std::min(line.find_first_not_of(' '), width / 2);
            const std::vector<std::string> parts = wrap_words(line.substr(indent), width - indent - 2);
            for (std::size_t part = 0; part < parts.size(); ++part) {
                out.append(part == 0 ? indent : indent + 2, ' ');
                out += parts[part] + "\n";
            }
        }
    }
    if (!text.empty() && text.back() != '\n' && !out.empty()) {
        out.pop_back();  // as given: no final newline added
    }
    return out;
}

}  // namespace leakdemo
