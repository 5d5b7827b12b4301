#pragma once

#include <string_view>

#include "measure/workload.hpp"
#include "util/expected.hpp"

namespace leakdemo {

// valgrind's XML report (--xml=yes --leak-check=full --show-leak-kinds=all, protocol 4, valgrind 3.19):
// the Leak_DefinitelyLost, Leak_IndirectlyLost, Leak_PossiblyLost and Leak_StillReachable <error>s summed
// per kind. A definitely or possibly lost record that holds other blocks says "448 (112 direct, 336
// indirect) bytes" and counts all 448 in <leakedbytes>; only its direct bytes are its own (the indirect
// ones have their own Leak_IndirectlyLost record), as in valgrind's text LEAK SUMMARY. Fails when the
// report is not a finished memcheck run (no <status> FINISHED: valgrind crashed or was killed).
// untracked_bytes stays 0: valgrind cannot see memory that is not malloc's.
Expected<LeakClassification> parse_valgrind_xml(std::string_view xml);

}  // namespace leakdemo
