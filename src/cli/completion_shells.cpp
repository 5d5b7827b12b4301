// The zsh and fish completion scripts (completions.hpp), from the command line as data.
#include <fmt/format.h>

#include <iterator>
#include <string>
#include <string_view>

#include "cli/completion_text.hpp"

namespace leakdemo::completion {
namespace {

// --- zsh ------------------------------------------------------------------------------------------------

// Text inside an _arguments spec's [description] or :message: \ [ ] : are special there.
std::string zsh_escaped(std::string_view text) {
    std::string escaped;
    for (const char c : text) {
        if (c == '\\' || c == '[' || c == ']' || c == ':') {
            escaped += '\\';
        }
        escaped += c;
    }
    return escaped;
}

// `'(-m --mode)'{-m+,--mode=}'[...]:MODE:(leak free hold)'`, one spec per name.
std::string zsh_option_specs(const OptionSpec& option) {
    const std::vector<std::string> names = names_of(option);
    std::string value;
    if (option.takes_value) {
        const std::string message = zsh_escaped(option.value_name.empty() ? "value" : option.value_name);
        std::string action = " ";     // a value of its own kind (SIZE, N, ...): nothing to offer
        if (option.list_items > 0) {  // _values: each once, after the commas (the count is not limited)
            action = fmt::format("_values -s , {} {}", message, joined(option.choices));
        } else if (!option.choices.empty() && option.file_value) {
            action = fmt::format("{{_files; compadd -- {}}}", joined(option.choices));
        } else if (!option.choices.empty()) {
            action = fmt::format("({})", joined(option.choices));
        } else if (option.file_value) {
            action = "_files";
        }
        value = fmt::format(":{}:{}", message, action);
    }
    std::string specs;
    for (const std::string& name : names) {
        const bool is_long = name.starts_with("--");
        const std::string suffix = option.takes_value ? (is_long ? "=" : "+") : "";
        const std::string spec = fmt::format("({}){}{}[{}]{}", joined(names), name, suffix,
                                             zsh_escaped(option.description), value);
        specs += fmt::format("        {} \\\n", single_quoted(spec));
    }
    return specs;
}

// `top`: the top level's options end at the subcommand (-A), so `watch -n 3 --` leaves -n to watch.
std::string zsh_arguments(const CommandSpec& command, std::string_view tail, bool top = false) {
    std::string out = top ? "_arguments -s -S -A '-*' \\\n" : "_arguments -s -S \\\n";
    for (const OptionSpec& option : command.options) {
        out += zsh_option_specs(option);
    }
    return out + std::string(tail);
}

}  // namespace

std::string zsh_script(const CommandSpec& top) {
    std::string out = fmt::format(
        "#compdef {0}\n"
        "# zsh completion for {0}: `{0} --completions zsh` wrote it from its own command line.\n\n"
        "_{0}_commands() {{\n"
        "    local -a commands=(\n",
        top.name);
    for (const CommandSpec& subcommand : top.subcommands) {
        out += fmt::format("        {}\n",
                           single_quoted(fmt::format("{}:{}", subcommand.name, subcommand.description)));
    }
    out += fmt::format(
        "    )\n"
        "    _describe -t commands '{0} command' commands\n"
        "}}\n\n"
        "_{0}() {{\n"
        "    local curcontext=$curcontext state state_descr line ret=1\n"
        "    typeset -A opt_args\n"
        "    {1}"
        "    case $state in\n"
        "        subcommand)\n"
        "            curcontext=${{curcontext%:*:*}}:{0}-$words[1]:\n"
        "            case $words[1] in\n",
        top.name,
        zsh_arguments(top, "        '1: :_" + top.name + "_commands' '*:: :->subcommand' && ret=0\n", true));
    for (const CommandSpec& subcommand : top.subcommands) {
        const std::string tail =
            subcommand.takes_command ? "        '*::: :_normal' && ret=0\n" : "        && ret=0\n";
        out += fmt::format("                {})\n                    {}                    ;;\n",
                           subcommand.name, zsh_arguments(subcommand, tail));
    }
    out += fmt::format(
        "            esac\n"
        "            ;;\n"
        "    esac\n"
        "    return ret\n"
        "}}\n\n"
        "_{0} \"$@\"\n",
        top.name);
    return out;
}

namespace {

// --- fish -----------------------------------------------------------------------------------------------

std::string fish_option(std::string_view program, const std::string& condition, const OptionSpec& option) {
    std::string line = fmt::format("complete -c {} -n {}", program, single_quoted(condition, true));
    for (const std::string& name : option.short_names) {
        line += fmt::format(" -s {}", name.substr(1));
    }
    for (const std::string& name : option.long_names) {
        line += fmt::format(" -l {}", name.substr(2));
    }
    if (option.list_items > 0) {
        line += fmt::format(" -x -a {}", single_quoted(fmt::format("(__{}_list {} {})", program,
                                                                   option.list_items, joined(option.choices)),
                                                       true));
    } else if (!option.choices.empty()) {
        // Each name with the value's type as its description (else fish repeats the option's text); only
        // the choice's part of WHERE|FILE, as fish would read the | as a pipe.
        const std::string type = option.value_name.substr(0, option.value_name.find('|'));
        std::vector<std::string> choices;
        for (const std::string& choice : option.choices) {
            choices.push_back(fmt::format("{}\\t{}", choice, type));
        }
        line += fmt::format(" {} -a {}", option.file_value ? "-r -F" : "-x",
                            single_quoted(joined(choices), true));
    } else if (option.file_value) {
        line += " -r -F";
    } else if (option.takes_value) {
        line += " -x";
    }
    return line + fmt::format(" -d {}\n", single_quoted(option.description, true));
}

}  // namespace

std::string fish_script(const CommandSpec& top) {
    const std::string subcommands = joined(subcommand_names(top));
    const std::string at_top = fmt::format("not __fish_seen_subcommand_from {}", subcommands);
    std::string out = fmt::format(
        "# fish completion for {0}: `{0} --completions fish` wrote it from its own command line.\n"
        "complete -c {0} -f\n"
        "# A comma-separated list (--modes A,B): $argv[1] items at most, each once, from $argv[2..].\n"
        "function __{0}_list\n"
        "    set -l given (string split , -- (commandline -ct))\n"
        "    set -e given[-1]\n"
        "    test (count $given) -lt $argv[1]; or return\n"
        "    set -l prefix (string join , -- $given)\n"
        "    test -n \"$prefix\"; and set prefix \"$prefix,\"\n"
        "    for choice in $argv[2..-1]\n"
        "        contains -- $choice $given; or printf '%s%s\\n' $prefix $choice\n"
        "    end\n"
        "end\n",
        top.name);
    for (const CommandSpec& subcommand : top.subcommands) {
        out += fmt::format("complete -c {} -n {} -a {} -d {}\n", top.name, single_quoted(at_top, true),
                           subcommand.name, single_quoted(subcommand.description, true));
    }
    for (const OptionSpec& option : top.options) {
        out += fish_option(top.name, at_top, option);
    }
    for (const CommandSpec& subcommand : top.subcommands) {
        const std::string in_subcommand = "__fish_seen_subcommand_from " + subcommand.name;
        for (const OptionSpec& option : subcommand.options) {
            out += fish_option(top.name, in_subcommand, option);
        }
        if (subcommand.takes_command) {
            // Right after `watch --`: the command to run.
            out += fmt::format("complete -c {} -n {} -x -a '(__fish_complete_command)'\n", top.name,
                               single_quoted(in_subcommand + "; and test (commandline -opc)[-1] = --", true));
        }
    }
    return out;
}

}  // namespace leakdemo::completion
