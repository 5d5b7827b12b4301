#include "cli/check.hpp"

namespace leakdemo {
namespace {

// compare runs the two modes of --modes, one child each, and shows both live: it has no use for --mode,
// and no single summary to print alone.
Status check_compare(const RawOptions& raw) {
    if (!raw.mode.empty()) {
        return Status::fail("--mode: not used by compare; give the two modes with --modes A,B");
    }
    if (raw.summary_only) {
        return Status::fail("--summary-only: not available with compare");
    }
    return success();
}

}  // namespace

Status check_combinations(const RawOptions& raw) {
    if (raw.report_path == "-") {
        return Status::fail("--report: needs a file name (the HTML report is not written to stdout)");
    }
    if (raw.summary_only && !raw.output_path.empty()) {
        return Status::fail("--summary-only: cannot be combined with --output (it writes no samples)");
    }
    if (raw.compare) {
        return check_compare(raw);
    }
    return success();
}

}  // namespace leakdemo
