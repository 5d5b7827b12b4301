#pragma once

// compare's reader of its children's JSON Lines: the writers' field lists (output/schema.hpp) walked the
// other way, on nlohmann-json. Only compare's parent, which is not measured, reads JSON; it may allocate.

#include <string>
#include <string_view>
#include <variant>

#include "measure/record.hpp"
#include "measure/summary.hpp"
#include "output/schema.hpp"
#include "util/expected.hpp"

namespace leakdemo {

using NoteLine = NoteRecord<std::string>;
// A record of a type compare does not read (one a later version adds): skipped, not an error.
struct OtherRecord {
    std::string type;
};
using ChildRecord = std::variant<Record, Summary, NoteLine, OtherRecord>;

// One line of leakdemo's own JSON Lines, decoded. Every field of the schema must be there with the type
// the schema gives it (integers exact up to UINT64_MAX); unknown keys are ignored. The message completes
// "the <mode> child wrote <message>": "a bad sample: missing field 'elapsed_s'".
Expected<ChildRecord> decode_record_line(std::string_view line);

}  // namespace leakdemo
