#pragma once

// CLI11's parse errors said in our words (one line naming the flag, "did you mean ..."); CLI11 glue beside
// cli.cpp, included only from it. The wording itself is usage_message.hpp's, tested without CLI11.
#include <CLI/CLI.hpp>
#include <string>

namespace leakdemo {

std::string usage_message(const CLI::ParseError& error, const CLI::App& app);

}  // namespace leakdemo
