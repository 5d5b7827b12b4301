// The completion scripts from a command line given as data (a fake declaration, not leakdemo's): every
// subcommand, option and choice it holds is in each script, in that shell's syntax. The real shells run
// the real scripts in tests/e2e/test_completions.py.
#include <gtest/gtest.h>

#include <string>

#include "cli/completions.hpp"
#include "cli_args.hpp"

namespace leakdemo {
namespace {

CommandSpec fake_command_line() {
    CommandSpec top{"prog", "a program", {}, false, {}};
    top.options.push_back({{"-m"}, {"--mode"}, true, "MODE", false, {"alpha", "beta"}, "the mode"});
    top.options.push_back({{"-o"}, {"--output"}, true, "FILE", true, {}, "where it's written"});
    top.options.push_back({{"-q"}, {"--quiet"}, false, "", false, {}, "say less [really]"});
    CommandSpec run{"run", "run something", {}, true, {}};
    run.options.push_back({{}, {"--pid"}, true, "PID", false, {}, "attach"});
    top.subcommands.push_back(run);
    return top;
}

TEST(Completions, BashCompletesSubcommandsOptionsChoicesAndFiles) {
    const std::string script = completion_script(Shell::bash, fake_command_line());
    EXPECT_NE(script.find("complete -F _prog prog"), std::string::npos);
    EXPECT_NE(script.find("\":-m\" | \":--mode\") COMPREPLY=($(compgen -W 'alpha beta'"), std::string::npos)
        << script;
    EXPECT_NE(script.find("\":-o\" | \":--output\") _prog_files"), std::string::npos) << script;
    EXPECT_NE(script.find("\"run:--pid\") return"), std::string::npos) << script;
    EXPECT_NE(script.find("local options='-m --mode -o --output -q --quiet' subcommands='run'"),
              std::string::npos)
        << script;
    EXPECT_NE(script.find("_command_offset"), std::string::npos);  // run takes a COMMAND after --
}

TEST(Completions, ZshEscapesDescriptionsAndQuotes) {
    const std::string script = completion_script(Shell::zsh, fake_command_line());
    EXPECT_EQ(script.rfind("#compdef prog\n", 0), 0U);
    EXPECT_NE(script.find("'(-m --mode)--mode=[the mode]:MODE:(alpha beta)'"), std::string::npos) << script;
    EXPECT_NE(script.find("'(-o --output)-o+[where it'\\''s written]:FILE:_files'"), std::string::npos)
        << script;
    EXPECT_NE(script.find("'(-q --quiet)--quiet[say less \\[really\\]]'"), std::string::npos) << script;
    EXPECT_NE(script.find("'run:run something'"), std::string::npos) << script;
    EXPECT_NE(script.find("'*::: :_normal'"), std::string::npos) << script;
}

TEST(Completions, FishGivesEachOptionItsCondition) {
    const std::string script = completion_script(Shell::fish, fake_command_line());
    EXPECT_NE(
        script.find("complete -c prog -n 'not __fish_seen_subcommand_from run' -a run -d 'run something'"),
        std::string::npos)
        << script;
    EXPECT_NE(script.find("-s m -l mode -x -a 'alpha\\\\tMODE beta\\\\tMODE' -d 'the mode'"),
              std::string::npos)
        << script;
    EXPECT_NE(script.find("-s o -l output -r -F -d 'where it\\'s written'"), std::string::npos) << script;
    EXPECT_NE(script.find("-n '__fish_seen_subcommand_from run' -l pid -x -d 'attach'"), std::string::npos)
        << script;
}

// The real declaration: --completions prints a script and runs nothing; every enum option's choices
// come from its name table.
TEST(Completions, LeakdemoPrintsItsOwnScriptWithEveryMode) {
    const CliResult parsed = testing::parse_args({"--completions", "bash"});
    const auto* info = std::get_if<InfoRequest>(&parsed);
    ASSERT_NE(info, nullptr);
    // The --mode arm offers every name of the Mode table (however many modes there are).
    const std::size_t arm = info->text.find("\":--mode\")");
    ASSERT_NE(arm, std::string::npos);
    const std::string line = info->text.substr(arm, info->text.find('\n', arm) - arm);
    for (const auto& [mode, name] : enum_names<Mode>) {
        const bool listed = line.find(" " + std::string(name) + " ") != std::string::npos ||
                            line.find("'" + std::string(name) + " ") != std::string::npos ||
                            line.find(" " + std::string(name) + "'") != std::string::npos;
        EXPECT_TRUE(listed) << name << " in " << line;
    }
    EXPECT_NE(info->text.find("\":--progress\") COMPREPLY"), std::string::npos);
    EXPECT_NE(info->text.find("compare"), std::string::npos);
}

TEST(Completions, AnUnknownShellIsAUsageError) {
    const CliResult parsed = testing::parse_args({"--completions", "tcsh"});
    const auto* usage = std::get_if<UsageError>(&parsed);
    ASSERT_NE(usage, nullptr);
    EXPECT_NE(usage->message.find("--completions"), std::string::npos) << usage->message;
}

}  // namespace
}  // namespace leakdemo
