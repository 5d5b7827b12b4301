#include "cli/help_formatter.hpp"

#include <algorithm>
#include <sstream>
#include <string_view>
#include <vector>

#include "cli/check.hpp"
#include "cli/help_layout.hpp"

namespace leakdemo {
namespace {

bool is_refused(const CLI::App& subcommand, const CLI::Option& option) {
    const auto named = [&option](std::string_view name) { return option.check_name(std::string(name)); };
    const auto only = options_only_taken_by(subcommand.get_name());
    if (!only.empty()) {
        return std::none_of(only.begin(), only.end(), named);
    }
    const auto refused = options_refused_by(subcommand.get_name());
    return std::any_of(refused.begin(), refused.end(), named);
}

// An option the subcommand declares itself (its own -h,--help) hides the top level's of the same name.
bool declared_by(const CLI::App& subcommand, const CLI::Option& option) {
    const auto own = subcommand.get_options();
    return std::any_of(own.begin(), own.end(), [&option](const CLI::Option* mine) {
        const auto& names = option.get_lnames();
        return std::any_of(names.begin(), names.end(),
                           [mine](const std::string& name) { return mine->check_lname(name); });
    });
}

// A top-level option that a subcommand which falls through takes too: shown in its --help, completed
// after it.
bool is_shared(const CLI::App& subcommand, const CLI::Option& option) {
    return subcommand.get_parent() != nullptr && subcommand.get_fallthrough() && option.nonpositional() &&
           !option.get_group().empty() && !is_refused(subcommand, option) && !declared_by(subcommand, option);
}

// CLI11's " Excludes: --a --b" clause without the options `subcommand` refuses (the whole clause when
// none is left).
std::string without_refused_excludes(const CLI::App& subcommand, const CLI::Option& option,
                                     std::string opts) {
    const auto excludes = option.get_excludes();
    if (excludes.empty()) {
        return opts;
    }
    const std::size_t at = opts.find(" Excludes:");
    if (at == std::string::npos) {
        return opts;
    }
    std::string kept;
    for (const CLI::Option* other : excludes) {
        if (!is_refused(subcommand, *other)) {
            kept += " " + other->get_name();
        }
    }
    std::string clause = kept.empty() ? std::string{} : " Excludes:" + kept;
    std::size_t end = at + std::string_view(" Excludes:").size();
    for (const CLI::Option* other : excludes) {
        end += 1 + other->get_name().size();
    }
    return opts.substr(0, at) + clause + opts.substr(std::min(end, opts.size()));
}

// A completion menu's text: the --help text up to its first ';' or ':' clause, at most 60 columns.
std::string short_description(std::string_view text) {
    constexpr std::size_t most = 60;
    text = text.substr(0, std::min(text.find("; "), text.find('\n')));
    if (text_columns(text) <= most) {
        return std::string(text);
    }
    const std::vector<std::string> lines = wrap_words(text, most - 3);
    return lines.front() + "...";
}

// "{leak,free,hold}" from the choices validator, as {"leak", "free", "hold"}.
std::vector<std::string> choices_of(CLI::Option& option) {
    std::vector<std::string> choices;
    try {
        std::string list = option.get_validator(choices_validator)->get_description();
        list.erase(std::remove_if(list.begin(), list.end(), [](char c) { return c == '{' || c == '}'; }),
                   list.end());
        std::istringstream names(list);
        for (std::string name; std::getline(names, name, ',');) {
            choices.push_back(name);
        }
    } catch (const CLI::OptionNotFound&) {
        // not an enum option
    }
    return choices;
}

OptionSpec describe_option(CLI::Option& option) {
    OptionSpec spec;
    for (const std::string& name : option.get_snames()) {
        spec.short_names.push_back("-" + name);
    }
    for (const std::string& name : option.get_lnames()) {
        spec.long_names.push_back("--" + name);
    }
    spec.takes_value = option.get_expected_max() != 0;  // a flag expects no value
    const std::string type = option.get_type_name();
    spec.value_name = spec.takes_value ? type.substr(0, type.find(':')) : std::string{};
    // FILE..., or a choice or a file (WHERE|FILE): file names are offered.
    spec.file_value = spec.takes_value && (type.starts_with("FILE") || spec.value_name.ends_with("|FILE"));
    spec.choices = choices_of(option);
    if (!spec.choices.empty() && spec.value_name.find(',') != std::string::npos) {
        spec.list_items =
            static_cast<std::size_t>(std::count(spec.value_name.begin(), spec.value_name.end(), ',')) + 1;
    }
    spec.description = short_description(option.get_description());
    return spec;
}

void add_options(std::vector<CLI::Option*> options, CommandSpec& spec) {
    for (CLI::Option* option : options) {
        if (option->get_positional()) {
            spec.takes_command = spec.takes_command || option->get_type_name().starts_with("COMMAND");
        } else if (!option->get_group().empty()) {  // an option in no group is hidden (--step-fd)
            spec.options.push_back(describe_option(*option));
        }
    }
}

}  // namespace

std::string HelpFormatter::make_help(const CLI::App* app, std::string name, CLI::AppFormatMode mode) const {
    if (mode == CLI::AppFormatMode::Sub) {
        return make_expanded(app);
    }
    // CLI::Formatter::make_help's steps, with the shared options after the subcommand's own.
    std::string out = make_description(app);
    out += make_usage(app, std::move(name));
    out += make_positionals(app);
    out += make_groups(app, mode);
    out += make_shared_options(app);
    out += make_subcommands(app, mode);
    out += '\n';
    out += make_footer(app);
    return out;
}

std::string HelpFormatter::make_shared_options(const CLI::App* app) const {
    if (app->get_parent() == nullptr) {
        return {};
    }
    const std::vector<const CLI::Option*> shared =
        app->get_parent()->get_options([app](const CLI::Option* option) { return is_shared(*app, *option); });
    if (shared.empty()) {
        return {};
    }
    m_listing_for = app;
    std::string group = make_group(
        std::string("Options of ") + app->get_parent()->get_name() + " it takes too", false, shared);
    m_listing_for = nullptr;
    return group;
}

std::string HelpFormatter::make_option(const CLI::Option* option, bool is_positional) const {
    std::string opts = make_option_opts(option);
    if (m_listing_for != nullptr) {
        opts = without_refused_excludes(*m_listing_for, *option, opts);
    }
    return help_entry(make_option_name(option, is_positional) + opts, make_option_desc(option));
}

std::string HelpFormatter::make_subcommand(const CLI::App* subcommand) const {
    return help_entry(subcommand->get_display_name(true), subcommand->get_description());
}

std::string HelpFormatter::make_description(const CLI::App* app) const {
    // One paragraph, whatever its line breaks in cli.cpp: filled to the width again.
    std::string description = CLI::Formatter::make_description(app);
    if (description.empty()) {
        return description;
    }
    description.pop_back();  // the final '\n'
    std::replace(description.begin(), description.end(), '\n', ' ');
    std::string out;
    for (const std::string& line : wrap_words(description, help_width)) {
        out += line + "\n";
    }
    return out;
}

std::string HelpFormatter::make_footer(const CLI::App* app) const {
    const std::string footer = CLI::Formatter::make_footer(app);
    return footer.empty() ? footer : wrap_block(footer);
}

std::string HelpFormatter::make_usage(const CLI::App* app, std::string name) const {
    return wrap_block(CLI::Formatter::make_usage(app, std::move(name)));
}

CommandSpec describe_command_line(CLI::App& app) {
    CommandSpec top{app.get_name(), app.get_description(), {}, false, {}};
    add_options(app.get_options(), top);
    for (CLI::App* subcommand : app.get_subcommands([](const CLI::App*) { return true; })) {
        CommandSpec spec{
            subcommand->get_name(), short_description(subcommand->get_description()), {}, false, {}};
        add_options(subcommand->get_options(), spec);
        add_options(app.get_options(
                        [subcommand](const CLI::Option* option) { return is_shared(*subcommand, *option); }),
                    spec);
        top.subcommands.push_back(std::move(spec));
    }
    return top;
}

}  // namespace leakdemo
