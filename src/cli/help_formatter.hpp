#pragma once

// CLI11 glue beside cli.cpp (include only from there): how --help is laid out, and the command line read
// back as data. Both walk the one declaration in cli.cpp.
#include <CLI/CLI.hpp>
#include <string>

#include "cli/command_spec.hpp"

namespace leakdemo {

// The name of the validator that carries an enum option's choices ("{leak,free,hold}"): add_enum_option
// gives it this name, and the completion scripts read the choices back from it.
inline constexpr const char* choices_validator = "choices";

// --help in 80 columns (cli/help_layout.hpp): options, subcommands, description and footer wrapped at
// words; a subcommand that falls through to the top level also lists the top-level options it takes.
class HelpFormatter final : public CLI::Formatter {
  public:
    std::string make_help(const CLI::App* app, std::string name, CLI::AppFormatMode mode) const override;
    std::string make_option(const CLI::Option* option, bool is_positional) const override;
    std::string make_subcommand(const CLI::App* subcommand) const override;
    std::string make_description(const CLI::App* app) const override;
    std::string make_footer(const CLI::App* app) const override;
    std::string make_usage(const CLI::App* app, std::string name) const override;

  private:
    std::string make_shared_options(const CLI::App* app) const;
    // While a subcommand's shared options are listed: that subcommand, so that an "Excludes:" naming an
    // option it refuses is left out (live's -q does not exclude a --summary-only live never takes).
    mutable const CLI::App* m_listing_for = nullptr;
};

// The top level and each subcommand, with every option each takes (command_spec.hpp).
CommandSpec describe_command_line(CLI::App& app);

}  // namespace leakdemo
