#include "cli/cli_usage.hpp"

#include <fmt/format.h>

#include <string_view>
#include <vector>

#include "cli/convert.hpp"
#include "cli/usage_message.hpp"

namespace leakdemo {
namespace {

// Every long option and subcommand name: what a near miss is compared with.
std::vector<std::string> declared_names(const CLI::App& app) {
    std::vector<std::string> names;
    const auto add_options = [&names](const CLI::App& scope) {
        for (const CLI::Option* option : scope.get_options()) {
            for (const std::string& name : option->get_lnames()) {
                names.push_back("--" + name);
            }
        }
    };
    add_options(app);
    for (const CLI::App* subcommand : app.get_subcommands([](const CLI::App*) { return true; })) {
        names.push_back(subcommand->get_name());
        add_options(*subcommand);
    }
    return names;
}

// The option an error is about: CLI11 starts its messages with the option's name ("--mode: ..."), except
// a conversion's ("Could not convert: --quiet = true,loud").
std::string option_name_in(std::string_view message) {
    constexpr std::string_view conversion = "Could not convert: ";
    if (message.starts_with(conversion)) {
        message.remove_prefix(conversion.size());
        return std::string(message.substr(0, message.find(" = ")));
    }
    return std::string(message.substr(0, message.find(':')));
}

const CLI::Option* option_named_in(const CLI::App& app, std::string_view message) {
    const std::string name = option_name_in(message);
    std::vector<const CLI::App*> scopes = app.get_subcommands([](const CLI::App*) { return true; });
    scopes.push_back(&app);
    for (const CLI::App* scope : scopes) {
        for (const CLI::Option* option : scope->get_options()) {
            if (option->check_name(name)) {
                return option;
            }
        }
    }
    return nullptr;
}

// What a value must look like, from the option's --help type: "MODE:{free,hold,leak}" says "one of ...",
// a list "A,B:{...}" says that each item is one of them, "WHERE|FILE:{...}" that a file will do too.
std::string value_type_of(const CLI::Option& option) {
    const std::string type = option.get_type_name();
    const auto colon = type.find(":{");
    if (colon == std::string::npos) {
        return type;
    }
    const std::string base = type.substr(0, colon);
    const std::string choices = type.substr(colon + 1);
    if (base.find(',') != std::string::npos) {
        return fmt::format("{}: each one of {}", base, choices);
    }
    return base.ends_with("|FILE") ? fmt::format("one of {} or a FILE", choices)
                                   : fmt::format("one of {}", choices);
}

}  // namespace

// CLI11's exception, said in our words: one line that names the flag (usage_message.hpp).
std::string usage_message(const CLI::ParseError& error, const CLI::App& app) {
    const std::string what = one_line(error.what());
    if (dynamic_cast<const CLI::ExtrasError*>(&error) != nullptr) {
        const std::vector<std::string> extras = app.remaining(true);
        if (!extras.empty()) {
            return unknown_argument_message(extras.front(), declared_names(app));
        }
    }
    const CLI::Option* option = option_named_in(app, what);
    if (option != nullptr) {
        const std::string name = option->get_name();
        const bool conversion = dynamic_cast<const CLI::ConversionError*>(&error) != nullptr;
        if (option->get_type_size() == 0 || conversion) {
            return flag_with_value_message(name);  // a value given to a flag: "--quiet=loud"
        }
        if (dynamic_cast<const CLI::ArgumentMismatch*>(&error) != nullptr) {
            return missing_value_message(name, value_type_of(*option));
        }
    }
    if (const auto* excludes = dynamic_cast<const CLI::ExcludesError*>(&error); excludes != nullptr) {
        // "--summary-only excludes --quiet": both flags are named in the text.
        const auto gap = what.find(" excludes ");
        if (gap != std::string::npos) {
            return excluded_message(what.substr(0, gap), what.substr(gap + 10));
        }
    }
    return what;  // a validator's message: already "--flag: our reason"
}

}  // namespace leakdemo
