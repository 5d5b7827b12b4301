#include "measure/workload_factory.hpp"

#include <fmt/format.h>

#include "util/error.hpp"

namespace leakdemo {

std::unique_ptr<Workload> make_workload(const BlockWorkloadConfig& config) {
    switch (config.mode) {
        case Mode::leak:
        case Mode::free:
        case Mode::hold:
            return std::make_unique<BlockWorkload>(config);
        default:
            break;
    }
    throw Error(fmt::format("--mode {}: this scenario is not built yet", to_string(config.mode)));
}

}  // namespace leakdemo
