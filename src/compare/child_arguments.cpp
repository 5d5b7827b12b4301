#include "compare/child_arguments.hpp"

#include <fmt/format.h>

#include "compare/child_process.hpp"

namespace leakdemo {

std::vector<std::string> workload_arguments(const Options& options, Mode mode) {
    std::vector<std::string> args{
        "leakdemo",
        "--mode",
        std::string(to_string(mode)),
        "--block-size",
        std::to_string(options.block_bytes),
        "--interval",
        fmt::format("{}ns", options.interval.count()),
        "--touch",
        std::string(to_string(options.touch)),
        "--fill",
        std::to_string(static_cast<unsigned>(options.fill)),
    };
    if (options.iterations) {
        args.insert(args.end(), {"--iterations", std::to_string(*options.iterations)});
    }
    // The guard: compare resolved the budget and gives each child its share (app.cpp).
    if (!options.guard.enabled) {
        args.emplace_back("--no-guard");
    } else if (options.guard.max_bytes) {
        args.insert(args.end(), {"--max-memory", std::to_string(*options.guard.max_bytes)});
    } else if (options.guard.max_available_percent) {
        args.insert(args.end(), {"--max-memory", fmt::format("{:g}%", *options.guard.max_available_percent)});
    }
    // The allocator knobs change what each child's allocator does.
    if (options.mmap_threshold_bytes) {
        args.insert(args.end(), {"--mmap-threshold", std::to_string(*options.mmap_threshold_bytes)});
    }
    if (options.trim) {
        args.emplace_back("--trim");
    }
    if (options.threads_given) {
        args.insert(args.end(), {"--threads", std::to_string(options.threads)});
    }
    if (options.huge_pages) {
        args.emplace_back("--huge-pages");
    }
    return args;
}

std::vector<std::string> compare_child_arguments(const Options& options, Mode mode) {
    std::vector<std::string> args = workload_arguments(options, mode);
    // --explain makes the children write note records, which compare shows under its rows and keeps for
    // --report.
    if (options.explain) {
        args.emplace_back("--explain");
    }
    // compare reads the children's JSON Lines and prints its own summary; each child waits for compare's
    // go before every iteration (child_process: the step pipe on this fd), so the two stay in step.
    args.insert(args.end(), {"--format", "jsonl", "--quiet", "--step-fd", std::to_string(child_step_fd)});
    return args;
}

}  // namespace leakdemo
