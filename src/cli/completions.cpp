// The three completion scripts, written from the command line as data (command_spec.hpp). Nothing here
// names an option or a subcommand: a flag, mode or subcommand added to cli.cpp appears in every script.
#include "cli/completions.hpp"

#include <fmt/format.h>

#include <string_view>
#include <vector>

#include "cli/completion_text.hpp"

namespace leakdemo {
namespace {

using completion::joined;
using completion::names_of;
using completion::single_quoted;
using completion::subcommand_names;

// --- bash -----------------------------------------------------------------------------------------------

// One `case` arm per option that takes a value, in `command` ("" at the top level).
void bash_value_arms(std::string& out, const CommandSpec& command, std::string_view scope,
                     std::string_view program) {
    for (const OptionSpec& option : command.options) {
        if (!option.takes_value) {
            continue;
        }
        std::vector<std::string> patterns;
        for (const std::string& name : names_of(option)) {
            patterns.push_back(fmt::format("\"{}:{}\"", scope, name));
        }
        std::string action = "return";  // a value of its own kind (SIZE, N, ...): nothing to offer
        const std::string choices = single_quoted(joined(option.choices));
        if (option.list_items > 0) {
            action = fmt::format("_{}_list {} {}; return", program, option.list_items, choices);
        } else if (!option.choices.empty() && option.file_value) {
            action =
                fmt::format("_{}_files; COMPREPLY+=($(compgen -W {} -- \"$cur\")); return", program, choices);
        } else if (!option.choices.empty()) {
            action = fmt::format("COMPREPLY=($(compgen -W {} -- \"$cur\")); return", choices);
        } else if (option.file_value) {
            action = fmt::format("_{}_files; return", program);
        }
        fmt::format_to(std::back_inserter(out), "        {}) {} ;;\n", joined(patterns, " | "), action);
    }
}

std::vector<std::string> option_words(const CommandSpec& command) {
    std::vector<std::string> words;
    for (const OptionSpec& option : command.options) {
        const std::vector<std::string> names = names_of(option);
        words.insert(words.end(), names.begin(), names.end());
    }
    return words;
}

std::string bash_script(const CommandSpec& top) {
    std::string out = fmt::format(
        "# bash completion for {0}: `{0} --completions bash` wrote it from its own command line.\n"
        "_{0}_files() {{\n"
        "    if declare -F _filedir >/dev/null; then _filedir; else COMPREPLY=($(compgen -f -- \"$cur\")); "
        "fi\n"
        "}}\n\n"
        "# A comma-separated list (--modes A,B): $1 items at most, each once, from the words of $2.\n"
        "_{0}_list() {{\n"
        "    local most=$1 choices=$2 prefix= choice\n"
        "    local -a given=()\n"
        "    if [[ $cur == *,* ]]; then prefix=${{cur%,*}},; IFS=, read -ra given <<<\"${{cur%,*}}\"; fi\n"
        "    ((${{#given[@]}} < most)) || return\n"
        "    COMPREPLY=()\n"
        "    for choice in $choices; do\n"
        "        [[ \" ${{given[*]}} \" == *\" $choice \"* || $prefix$choice != \"$cur\"* ]] ||\n"
        "            COMPREPLY+=(\"$prefix$choice\")\n"
        "    done\n"
        "    # More may follow: no space after it, so a comma can be typed.\n"
        "    ((${{#given[@]}} + 1 < most)) && compopt -o nospace 2>/dev/null\n"
        "    return 0\n"
        "}}\n\n"
        "_{0}() {{\n"
        "    local cur prev words cword split\n"
        "    if declare -F _init_completion >/dev/null; then\n"
        "        _init_completion -s || return\n"
        "    else\n"
        "        words=(\"${{COMP_WORDS[@]}}\") cword=$COMP_CWORD cur=${{COMP_WORDS[COMP_CWORD]}}\n"
        "        prev=${{COMP_WORDS[COMP_CWORD-1]}}\n"
        "        [[ $prev == = ]] && prev=${{COMP_WORDS[COMP_CWORD-2]}}\n"
        "        [[ $cur == = ]] && cur=\n"
        "    fi\n"
        "    local command= i\n"
        "    for ((i = 1; i < cword; i++)); do\n"
        "        case ${{words[i]}} in\n",
        top.name);
    std::vector<std::string> with_command;
    for (const CommandSpec& subcommand : top.subcommands) {
        if (subcommand.takes_command) {
            with_command.push_back(fmt::format("\"{}\"", subcommand.name));
        }
    }
    if (!with_command.empty()) {
        fmt::format_to(
            std::back_inserter(out),
            "            --) case $command in {}) if declare -F _command_offset >/dev/null; then\n"
            "                _command_offset $((i + 1)); else COMPREPLY=($(compgen -c -- \"$cur\"));"
            " fi; return ;; esac ;;\n",
            joined(with_command, " | "));
    }
    fmt::format_to(std::back_inserter(out),
                   "            {}) [[ -z $command ]] && command=${{words[i]}} ;;\n"
                   "        esac\n"
                   "    done\n"
                   "    case $command:$prev in\n",
                   joined(subcommand_names(top), " | "));
    bash_value_arms(out, top, "", top.name);
    for (const CommandSpec& subcommand : top.subcommands) {
        bash_value_arms(out, subcommand, subcommand.name, top.name);
    }
    out += "    esac\n    case $command in\n";
    fmt::format_to(std::back_inserter(out), "        \"\") local options={} subcommands={} ;;\n",
                   single_quoted(joined(option_words(top))), single_quoted(joined(subcommand_names(top))));
    for (const CommandSpec& subcommand : top.subcommands) {
        fmt::format_to(std::back_inserter(out), "        {}) local options={} subcommands= ;;\n",
                       subcommand.name, single_quoted(joined(option_words(subcommand))));
    }
    fmt::format_to(std::back_inserter(out),
                   "    esac\n"
                   "    if [[ $cur == -* ]]; then\n"
                   "        COMPREPLY=($(compgen -W \"$options\" -- \"$cur\"))\n"
                   "    else\n"
                   "        COMPREPLY=($(compgen -W \"$subcommands\" -- \"$cur\"))\n"
                   "    fi\n"
                   "}}\n"
                   "complete -F _{0} {0}\n",
                   top.name);
    return out;
}

}  // namespace

std::string completion_script(Shell shell, const CommandSpec& command) {
    switch (shell) {
        case Shell::zsh:
            return completion::zsh_script(command);
        case Shell::fish:
            return completion::fish_script(command);
        case Shell::bash:
            break;
    }
    return bash_script(command);
}

}  // namespace leakdemo
