#pragma once

// The one way leakdemo reads kernel files (/proc, /sys) and its rlimits: the guard's figures, the peak RSS
// for the summary and the transparent huge page policy all come through a SystemReader, so tests hand
// them a fake (tests/unit/fakes.hpp) instead of this machine's files. The sampler's per-sample statm read
// is the one exception: a pread on a descriptor kept open (sampler.hpp says why).
#include <cstdint>
#include <optional>
#include <string>

#include "util/expected.hpp"

namespace leakdemo {

// nullopt: unlimited (RLIM_INFINITY).
struct ResourceLimits {
    std::optional<std::uint64_t> address_space_bytes;  // RLIMIT_AS (ulimit -v)
    std::optional<std::uint64_t> data_bytes;           // RLIMIT_DATA (ulimit -d)
};

class SystemReader {
  public:
    virtual ~SystemReader() = default;
    // The whole file, or the system's reason it cannot be read (e.g. "No such file or directory").
    // Callers for which an unreadable file only means "unknown" test it like an optional.
    virtual Expected<std::string> read_file(const std::string& path) const = 0;
    virtual ResourceLimits resource_limits() const = 0;
};

// The real system. `root` is prefixed to every path (empty: the real /).
class LiveSystemReader final : public SystemReader {
  public:
    explicit LiveSystemReader(std::string root = {}) : m_root(std::move(root)) {}
    Expected<std::string> read_file(const std::string& path) const override;
    ResourceLimits resource_limits() const override;

  private:
    std::string m_root;
};

// One LiveSystemReader for the whole process: the default of every constructor that takes a reader.
const SystemReader& live_system_reader();

}  // namespace leakdemo
