#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "compare/decode.hpp"
#include "distinct_records.hpp"
#include "output/encode.hpp"

namespace leakdemo {
namespace {

using testing::distinct_blocks;
using testing::distinct_note;
using testing::distinct_record;
using testing::distinct_summary;

std::string line_of(const Record& record) {
    fmt::memory_buffer out;
    append_jsonl_sample(out, record);
    return std::string(out.data(), out.size());
}
std::string line_of(const Summary& summary) {
    fmt::memory_buffer out;
    append_jsonl_summary(out, summary);
    return std::string(out.data(), out.size());
}
std::string line_of(const NoteLine& note) {
    fmt::memory_buffer out;
    append_jsonl_note(out, note.mode, note.iteration, note.text);
    return std::string(out.data(), out.size());
}

// The decoded record of type R, or a test failure naming why not.
template <typename R>
R decode_as(const std::string& line) {
    const auto decoded = decode_record_line(line);
    EXPECT_TRUE(decoded) << decoded.error() << "\n" << line;
    if (!decoded) {
        return R{};
    }
    const R* record = std::get_if<R>(&decoded.value());
    EXPECT_NE(record, nullptr) << line;
    return record != nullptr ? *record : R{};
}

// The decoder's message for a line it must refuse.
std::string refusal(const std::string& line) {
    const auto decoded = decode_record_line(line);
    EXPECT_FALSE(decoded) << line;
    return decoded ? std::string() : decoded.error();
}

// `line` with the first `from` replaced by `to`; the test fails if `from` is not there.
std::string replaced(std::string line, const std::string& from, const std::string& to) {
    const auto at = line.find(from);
    EXPECT_NE(at, std::string::npos) << from << " in " << line;
    if (at != std::string::npos) {
        line.replace(at, from.size(), to);
    }
    return line;
}

// ---- every record type survives the pipe, every field non-zero and distinct -------------------------

TEST(DecodeRoundTrip, SampleKeepsEveryField) {
    const Record sent = distinct_record();
    const Record got = decode_as<Record>(line_of(sent));
    EXPECT_EQ(got.iteration, sent.iteration);
    EXPECT_EQ(got.elapsed_ns, sent.elapsed_ns);
    EXPECT_EQ(got.mode, sent.mode);
    EXPECT_EQ(got.block_bytes, sent.block_bytes);
    EXPECT_EQ(got.counters.requested_bytes, sent.counters.requested_bytes);
    EXPECT_EQ(got.counters.outstanding_bytes, sent.counters.outstanding_bytes);
    EXPECT_EQ(got.counters.leaked_bytes, sent.counters.leaked_bytes);
    EXPECT_EQ(got.sample.rss_bytes, sent.sample.rss_bytes);
    EXPECT_EQ(got.sample.maxrss_bytes, sent.sample.maxrss_bytes);
    EXPECT_EQ(got.sample.vsz_bytes, sent.sample.vsz_bytes);
    EXPECT_EQ(got.sample.minor_faults, sent.sample.minor_faults);
    EXPECT_EQ(got.sample.major_faults, sent.sample.major_faults);
    EXPECT_EQ(got.sample.heap_arena_bytes, sent.sample.heap_arena_bytes);
    EXPECT_EQ(got.sample.heap_mmap_bytes, sent.sample.heap_mmap_bytes);
    // Derived from requested / block, as before; what is not on the wire stays unknown (zero).
    EXPECT_EQ(got.counters.blocks, distinct_blocks);
    EXPECT_EQ(got.counters.mmapped_blocks, 0U);
    EXPECT_EQ(got.sample.timestamp_ns, 0);
}

TEST(DecodeRoundTrip, SummaryKeepsEveryField) {
    const Summary sent = distinct_summary();
    const Summary got = decode_as<Summary>(line_of(sent));
    EXPECT_EQ(got.mode, sent.mode);
    EXPECT_EQ(got.iterations, sent.iterations);
    EXPECT_EQ(got.elapsed_s, sent.elapsed_s);
    EXPECT_EQ(got.block_bytes, sent.block_bytes);
    EXPECT_EQ(got.requested_bytes, sent.requested_bytes);
    EXPECT_EQ(got.leaked_bytes, sent.leaked_bytes);
    EXPECT_EQ(got.outstanding_bytes, sent.outstanding_bytes);
    EXPECT_EQ(got.rss_start_bytes, sent.rss_start_bytes);
    EXPECT_EQ(got.rss_end_bytes, sent.rss_end_bytes);
    EXPECT_EQ(got.rss_growth_bytes, sent.rss_growth_bytes);
    EXPECT_EQ(got.rss_growth_per_iteration_bytes, sent.rss_growth_per_iteration_bytes);
    EXPECT_EQ(got.maxrss_bytes, sent.maxrss_bytes);
    EXPECT_EQ(got.hwm_bytes, sent.hwm_bytes);
    EXPECT_EQ(got.verdict, sent.verdict);
    EXPECT_EQ(got.stop_reason, sent.stop_reason);
    EXPECT_EQ(got.minor_faults, sent.minor_faults);  // the field compare once dropped
    EXPECT_EQ(got.minor_faults_per_block, sent.minor_faults_per_block);
    EXPECT_EQ(got.budget_bytes, sent.budget_bytes);
    EXPECT_EQ(got.budget_eta_s, sent.budget_eta_s);
}

TEST(DecodeRoundTrip, SummaryWithUnknownPeak) {
    Summary sent = distinct_summary();
    sent.hwm_bytes.reset();
    EXPECT_EQ(decode_as<Summary>(line_of(sent)).hwm_bytes, std::nullopt);
}

TEST(DecodeRoundTrip, NoteKeepsEveryFieldAndEveryByteOfItsText) {
    const NoteLine sent = distinct_note();
    const NoteLine got = decode_as<NoteLine>(line_of(sent));
    EXPECT_EQ(got.mode, sent.mode);
    EXPECT_EQ(got.iteration, sent.iteration);
    EXPECT_EQ(got.text, sent.text);
}

// ---- every key of the schema is in every codec -------------------------------------------------------

template <typename R>
std::vector<std::string> schema_keys() {
    std::vector<std::string> keys;
    const R blank{};
    visit_fields(blank, [&keys](std::string_view key, const auto& /*value*/, auto /*wire*/) {
        keys.emplace_back(key);
    });
    return keys;
}

std::vector<std::string> split(std::string_view text, char separator) {
    std::vector<std::string> parts;
    std::size_t start = 0;
    while (true) {
        const std::size_t end = text.find(separator, start);
        parts.emplace_back(text.substr(start, end - start));
        if (end == std::string_view::npos) {
            return parts;
        }
        start = end + 1;
    }
}

// The JSONL line has `"key":` for each key, in schema order, after "type"; without a key (or with an
// object where the value should be) the decoder refuses the line and names that key.
template <typename R>
void expect_jsonl_codecs_cover(const R& record, const std::vector<std::string>& keys) {
    const std::string line = line_of(record);
    std::size_t previous = line.find("\"type\":");
    ASSERT_EQ(previous, 1U) << line;
    for (const std::string& key : keys) {
        const std::string quoted = fmt::format(",\"{}\":", key);
        const std::size_t at = line.find(quoted);
        ASSERT_NE(at, std::string::npos) << "JSONL encoder lacks " << key << ": " << line;
        EXPECT_GT(at, previous) << key << " out of order: " << line;
        previous = at;
        const std::size_t value_end = std::min(line.find(",\"", at + 1), line.rfind('}'));
        std::string without = line;
        without.erase(at, value_end - at);
        EXPECT_NE(refusal(without).find(fmt::format("missing field '{}'", key)), std::string::npos)
            << "the decoder does not read " << key << ": " << without;
        std::string mistyped = line;
        mistyped.replace(at + quoted.size(), value_end - at - quoted.size(), "{}");
        EXPECT_NE(refusal(mistyped).find(fmt::format("field '{}' is {{}}, expected", key)), std::string::npos)
            << "the decoder does not check the type of " << key << ": " << mistyped;
    }
}

// The CSV header names each key in schema order and a row has one cell per key.
template <typename R>
void expect_csv_codecs_cover(std::string_view header, const std::string& row,
                             const std::vector<std::string>& keys) {
    ASSERT_TRUE(header.ends_with('\n'));
    EXPECT_EQ(split(header.substr(0, header.size() - 1), ','), keys) << "CSV header";
    ASSERT_TRUE(row.ends_with('\n'));
    EXPECT_EQ(split(std::string_view(row).substr(0, row.size() - 1), ',').size(), keys.size()) << row;
}

TEST(SchemaCoverage, SampleKeysAreInEveryCodec) {
    const std::vector<std::string> keys = schema_keys<Record>();
    ASSERT_EQ(keys.size(), 14U);
    fmt::memory_buffer row;
    append_csv_row(row, distinct_record());
    expect_csv_codecs_cover<Record>(csv_header, std::string(row.data(), row.size()), keys);
    expect_jsonl_codecs_cover(distinct_record(), keys);
}

TEST(SchemaCoverage, SummaryKeysAreInEveryCodec) {
    const std::vector<std::string> keys = schema_keys<Summary>();
    ASSERT_EQ(keys.size(), 28U);
    fmt::memory_buffer row;
    append_csv_summary_row(row, distinct_summary());
    expect_csv_codecs_cover<Summary>(csv_summary_header, std::string(row.data(), row.size()), keys);
    expect_jsonl_codecs_cover(distinct_summary(), keys);
}

TEST(SchemaCoverage, NoteKeysAreInEveryCodec) {
    const std::vector<std::string> keys = schema_keys<NoteLine>();
    EXPECT_EQ(keys, (std::vector<std::string>{"mode", "iteration", "text"}));
    NoteLine note = distinct_note();
    note.text = "no comma here";  // the helper cuts a value at the next ,"
    expect_jsonl_codecs_cover(note, keys);
}

// ---- what a real JSON parser gets right --------------------------------------------------------------

TEST(Decode, UnsignedIntegersAreExactUpToUint64Max) {
    std::string line = line_of(distinct_record());
    line = replaced(line, "\"rss_bytes\":37", "\"rss_bytes\":18446744073709551615");
    line = replaced(line, "\"vsz_bytes\":43", "\"vsz_bytes\":9223372036854775808");
    line = replaced(line, "\"minor_faults\":47", "\"minor_faults\":9007199254740993");  // 2^53 + 1
    const Record got = decode_as<Record>(line);
    EXPECT_EQ(got.sample.rss_bytes, std::numeric_limits<std::uint64_t>::max());
    EXPECT_EQ(got.sample.vsz_bytes, 9223372036854775808ULL);
    EXPECT_EQ(got.sample.minor_faults, 9007199254740993ULL);
}

TEST(Decode, RefusesIntegersOutsideTheirRange) {
    const std::string sample = line_of(distinct_record());
    const std::string too_big =
        refusal(replaced(sample, "\"rss_bytes\":37", "\"rss_bytes\":18446744073709551616"));
    EXPECT_NE(too_big.find("field 'rss_bytes'"), std::string::npos) << too_big;
    const std::string negative = refusal(replaced(sample, "\"rss_bytes\":37", "\"rss_bytes\":-1"));
    EXPECT_NE(negative.find("field 'rss_bytes' is -1, expected an integer from 0"), std::string::npos)
        << negative;
    const std::string fraction = refusal(replaced(sample, "\"iteration\":3", "\"iteration\":3.5"));
    EXPECT_NE(fraction.find("field 'iteration'"), std::string::npos) << fraction;
    const std::string summary = line_of(distinct_summary());
    const std::string signed_too_big =
        refusal(replaced(summary, "\"rss_growth_bytes\":-29", "\"rss_growth_bytes\":9223372036854775808"));
    EXPECT_NE(signed_too_big.find("field 'rss_growth_bytes'"), std::string::npos) << signed_too_big;
    const Summary lowest = decode_as<Summary>(
        replaced(summary, "\"rss_growth_bytes\":-29", "\"rss_growth_bytes\":-9223372036854775808"));
    EXPECT_EQ(lowest.rss_growth_bytes, std::numeric_limits<std::int64_t>::min());
}

TEST(Decode, SurrogatePairsBecomeOneCharacter) {
    const NoteLine note = decode_as<NoteLine>(
        R"({"type":"note","mode":"leak","iteration":2,"text":"\ud83d\ude00 caf\u00e9 \u0041\/"})");
    EXPECT_EQ(note.text, "\xf0\x9f\x98\x80 caf\xc3\xa9 A/");
}

TEST(Decode, RefusesALoneSurrogate) {
    const std::string why = refusal(R"({"type":"note","mode":"leak","iteration":2,"text":"\ud83d x"})");
    EXPECT_NE(why.find("not JSON"), std::string::npos) << why;
}

TEST(Decode, AMissingKeyIsNamed) {
    const std::string why = refusal(R"({"type":"sample","iteration":1})");
    EXPECT_EQ(why, "a bad sample: missing field 'elapsed_s'");
}

TEST(Decode, AWrongTypeIsNamedWithWhatWasExpected) {
    const std::string why =
        refusal(replaced(line_of(distinct_record()), "\"iteration\":3", "\"iteration\":\"3\""));
    EXPECT_EQ(
        why, R"(a bad sample: field 'iteration' is "3", expected an integer from 0 to 18446744073709551615)");
}

TEST(Decode, AnUnknownEnumNameListsTheKnownOnes) {
    const std::string why =
        refusal(replaced(line_of(distinct_summary()), "\"mode\":\"free\"", "\"mode\":\"sideways\""));
    EXPECT_EQ(
        why,
        R"(a bad summary: field 'mode' is "sideways", expected leak, free, hold, indirect, interior, cycle, exception, cache, fragment, arena or mmap)");
    const std::string verdict =
        refusal(replaced(line_of(distinct_summary()), "\"verdict\":\"leaking\"", "\"verdict\":\"Leaking\""));
    EXPECT_NE(verdict.find("expected stable, leaking or inconclusive"), std::string::npos) << verdict;
}

TEST(Decode, KeyOrderAndWhitespaceDoNotMatter) {
    const NoteLine note =
        decode_as<NoteLine>(" {\"text\" : \"t\", \"iteration\":7 ,\"mode\":\"free\",\"type\":\"note\"} \n");
    EXPECT_EQ(note.mode, Mode::free);
    EXPECT_EQ(note.iteration, 7U);
    EXPECT_EQ(note.text, "t");
}

TEST(Decode, AnotherRecordTypeIsPassedOverNotRefused) {
    const auto decoded = decode_record_line(R"({"type":"heartbeat","at":1})");
    ASSERT_TRUE(decoded) << decoded.error();
    const auto* other = std::get_if<OtherRecord>(&decoded.value());
    ASSERT_NE(other, nullptr);
    EXPECT_EQ(other->type, "heartbeat");
}

TEST(Decode, RefusesWhatIsNotALeakdemoRecord) {
    EXPECT_NE(refusal("").find("not JSON"), std::string::npos);
    EXPECT_NE(refusal("{\"type\":\"sample\"").find("not JSON"), std::string::npos);
    EXPECT_NE(refusal("{\"type\":\"sample\"} trailing").find("not JSON"), std::string::npos);
    EXPECT_EQ(refusal("[1,2]"), "a line that is not a JSON object");
    EXPECT_EQ(refusal("{\"iteration\":1}"), "a line that is not a leakdemo record: no \"type\"");
    EXPECT_EQ(refusal("{\"type\":7}"), "a line that is not a leakdemo record: no \"type\"");
}

}  // namespace
}  // namespace leakdemo
