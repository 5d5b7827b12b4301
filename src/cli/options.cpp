#include "cli/options.hpp"

#include <fmt/format.h>

#include "util/units.hpp"

namespace leakdemo {

BlockWorkloadConfig workload_config(const Options& options) {
    BlockWorkloadConfig config{options.mode, options.touch, options.block_bytes, options.fill};
    config.mmap_threshold_bytes = options.mmap_threshold_bytes;
    config.trim = options.trim;
    config.huge_pages = options.huge_pages;
    config.threads = options.threads;
    return config;
}

std::vector<ReportParameter> report_parameters(const Options& options) {
    std::vector<ReportParameter> parameters;
    if (options.command == Command::compare) {
        parameters.push_back(
            {"modes", fmt::format("{} vs {} (compare: one child process each)",
                                  to_string(options.compare_modes[0]), to_string(options.compare_modes[1]))});
    } else {
        parameters.push_back({"mode", std::string(to_string(options.mode))});
    }
    std::string block = fmt::format("{} bytes ({})", options.block_bytes, format_bytes(options.block_bytes));
    if (options.huge_pages && huge_block_bytes(options.block_bytes) != options.block_bytes) {
        const std::uint64_t rounded = huge_block_bytes(options.block_bytes);
        block += fmt::format(", rounded up to {} bytes ({}) by --huge-pages", rounded, format_bytes(rounded));
    }
    parameters.push_back({"block size", block});
    parameters.push_back({"iterations", options.iterations ? std::to_string(*options.iterations)
                                                           : std::string("until stopped")});
    parameters.push_back({"interval", format_duration(options.interval)});
    parameters.push_back({"touch", std::string(to_string(options.touch))});
    parameters.push_back({"fill byte", fmt::format("0x{:02x}", options.fill)});
    parameters.push_back({"mmap threshold", options.mmap_threshold_bytes
                                                ? fmt::format("{} (--mmap-threshold: dynamic threshold off)",
                                                              format_bytes(*options.mmap_threshold_bytes))
                                                : std::string("glibc default (128 KiB, dynamic)")});
    parameters.push_back({"malloc_trim after free", options.trim ? "yes (--trim)" : "no"});
    parameters.push_back({"huge pages", options.huge_pages ? "yes (--huge-pages: blocks 2 MiB-aligned, "
                                                             "madvise(MADV_HUGEPAGE), a multiple of 2 MiB)"
                                                           : "no"});
    return parameters;
}

}  // namespace leakdemo
