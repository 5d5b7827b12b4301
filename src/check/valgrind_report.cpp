#include "check/valgrind_report.hpp"

#include <fmt/format.h>

#include "check/report_text.hpp"

namespace leakdemo {
namespace {

// The number an element holds, exactly ("<leakedblocks>3</leakedblocks>").
std::optional<std::uint64_t> element_number(std::string_view record, std::string_view tag) {
    auto text = xml_element(record, tag);
    if (!text) {
        return std::nullopt;
    }
    const auto number = take_number(*text);
    return number && text->empty() ? number : std::nullopt;
}

// "448 (112 direct, 336 indirect) bytes in 1 blocks ...": 112. Nullopt without the parenthesis.
std::optional<std::uint64_t> direct_bytes_in(std::string_view text) {
    if (!take_number(text) || !text.starts_with(" (")) {
        return std::nullopt;
    }
    text.remove_prefix(2);
    const auto direct = take_number(text);
    return direct && text.starts_with(" direct, ") ? direct : std::nullopt;
}

struct LeakKind {
    std::string_view name;
    std::uint64_t LeakClassification::*bytes;
    std::uint64_t LeakClassification::*blocks;
};
constexpr LeakKind leak_kinds[] = {
    {"Leak_DefinitelyLost", &LeakClassification::definitely_lost_bytes,
     &LeakClassification::definitely_lost_blocks},
    {"Leak_IndirectlyLost", &LeakClassification::indirectly_lost_bytes,
     &LeakClassification::indirectly_lost_blocks},
    {"Leak_PossiblyLost", &LeakClassification::possibly_lost_bytes,
     &LeakClassification::possibly_lost_blocks},
    {"Leak_StillReachable", &LeakClassification::still_reachable_bytes,
     &LeakClassification::still_reachable_blocks},
};

bool add(std::uint64_t& total, std::uint64_t value) {
    if (total > UINT64_MAX - value) {
        return false;
    }
    total += value;
    return true;
}

// One <error> record: its leak kind's figures added to `figures`; other errors (invalid reads ...) are not
// leaks and are left out.
Status add_record(std::string_view record, LeakClassification& figures) {
    const auto kind = xml_element(record, "kind");
    if (!kind) {
        return Status::fail("an <error> without <kind>");
    }
    for (const LeakKind& leak : leak_kinds) {
        if (*kind != leak.name) {
            continue;
        }
        auto bytes = element_number(record, "leakedbytes");
        const auto blocks = element_number(record, "leakedblocks");
        if (!bytes || !blocks) {
            return Status::fail(fmt::format("a {} record without its bytes and blocks", leak.name));
        }
        if (const auto text = xml_element(record, "text")) {
            bytes = direct_bytes_in(*text).value_or(*bytes);
        }
        if (!add(figures.*leak.bytes, *bytes) || !add(figures.*leak.blocks, *blocks)) {
            return Status::fail("leak figures beyond 64 bits");
        }
    }
    return success();
}

}  // namespace

Expected<LeakClassification> parse_valgrind_xml(std::string_view xml) {
    using Result = Expected<LeakClassification>;
    if (xml.find("<valgrindoutput>") == std::string_view::npos ||
        xml_element(xml, "protocoltool") != std::string_view("memcheck")) {
        return Result::fail("not a valgrind memcheck XML report");
    }
    // valgrind writes <status> twice, RUNNING and then FINISHED; a crash or a kill leaves only the first.
    if (xml.find("<state>FINISHED</state>") == std::string_view::npos) {
        return Result::fail("valgrind's report ends before the run finished");
    }
    LeakClassification figures;
    for (std::size_t at = 0; (at = xml.find("<error>", at)) != std::string_view::npos;) {
        const auto record = xml_element(xml, "error", at);
        if (!record) {
            return Result::fail("an unterminated <error> record");
        }
        if (const Status added = add_record(*record, figures); !added) {
            return Result::fail(added.error());
        }
        at += record->size();
    }
    return Result::ok(figures);
}

}  // namespace leakdemo
