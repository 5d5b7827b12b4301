#include "measure/workload_factory.hpp"

#include "measure/scenarios.hpp"

namespace leakdemo {

std::unique_ptr<Workload> make_workload(const BlockWorkloadConfig& config) {
    switch (config.mode) {
        case Mode::leak:
        case Mode::free:
        case Mode::hold:
            return std::make_unique<BlockWorkload>(config);
        case Mode::indirect:
            return std::make_unique<IndirectWorkload>(config);
        case Mode::interior:
            return std::make_unique<InteriorWorkload>(config);
        case Mode::cycle:
            return std::make_unique<CycleWorkload>(config);
        case Mode::exception:
            return std::make_unique<ExceptionWorkload>(config);
        case Mode::cache:
            return std::make_unique<CacheWorkload>(config);
        case Mode::fragment:
            return std::make_unique<FragmentWorkload>(config);
        case Mode::arena:
            return std::make_unique<ArenaWorkload>(config);
        case Mode::mmap:
            return std::make_unique<MmapWorkload>(config);
    }
    return std::make_unique<BlockWorkload>(config);  // unreachable: every Mode is listed above
}

}  // namespace leakdemo
