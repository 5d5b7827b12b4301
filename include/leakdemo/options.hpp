#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "leakdemo/formats.hpp"
#include "leakdemo/terminal.hpp"
#include "leakdemo/workload.hpp"

namespace leakdemo {

// Everything the command line decides, as plain data. Filled only by cli.cpp.
struct Options {
    Mode mode = Mode::leak;
    Touch touch = Touch::all;
    std::uint64_t block_bytes = 4096000;  // the article's 4096 * 1000
    unsigned char fill = 0xFF;            // the article's memset(ptr, -1, ...)
    bool huge_pages = false;              // --huge-pages: 2 MiB-aligned, madvise(MADV_HUGEPAGE) blocks
    std::optional<std::uint64_t> iterations;
    std::chrono::nanoseconds interval = std::chrono::seconds(1);

    Format format = Format::automatic;
    std::string output_path;  // -o; empty: none
    Format output_format = Format::automatic;
    ColorMode color = ColorMode::automatic;
    bool quiet = false;
    bool summary_only = false;
    bool fail_on_leak = false;
};

}  // namespace leakdemo
