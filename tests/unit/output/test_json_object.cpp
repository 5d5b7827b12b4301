#include <gtest/gtest.h>

#include <string>

#include "output/formats.hpp"
#include "output/json_object.hpp"

namespace leakdemo {
namespace {

TEST(JsonObject, ReadsEveryValueType) {
    const auto parsed = parse_json_object(
        R"({"s":"text","i":-42,"big":9007199254740993,"d":1.5e3,"t":true,"f":false,"n":null,"z":0})");
    ASSERT_TRUE(parsed) << parsed.error();
    const JsonObject& o = parsed.value();
    EXPECT_EQ(json_string(o, "s"), "text");
    EXPECT_EQ(json_int(o, "i"), -42);
    EXPECT_EQ(json_uint(o, "i"), std::nullopt) << "negative is not unsigned";
    EXPECT_EQ(json_uint(o, "big"), 9007199254740993ULL) << "integers stay exact beyond 2^53";
    EXPECT_EQ(json_number(o, "d"), 1500.0);
    EXPECT_EQ(json_int(o, "d"), std::nullopt) << "a fraction or exponent is not an integer";
    EXPECT_EQ(json_number(o, "i"), -42.0);
    EXPECT_EQ(std::get<bool>(o.at("t")), true);
    EXPECT_EQ(std::get<bool>(o.at("f")), false);
    EXPECT_TRUE(std::holds_alternative<std::nullptr_t>(o.at("n")));
    EXPECT_EQ(json_uint(o, "z"), 0U);
    EXPECT_EQ(json_string(o, "missing"), std::nullopt);
    EXPECT_EQ(json_string(o, "i"), std::nullopt) << "wrong type";
}

TEST(JsonObject, UndoesEscapes) {
    const auto parsed = parse_json_object(R"({"k":"a\"b\\c\/d\n\t\u0041\u00e9"})");
    ASSERT_TRUE(parsed) << parsed.error();
    EXPECT_EQ(json_string(parsed.value(), "k"), "a\"b\\c/d\n\tA\xc3\xa9");
}

TEST(JsonObject, RoundTripsOurOwnEscaping) {
    const std::string original = "quote \" backslash \\ newline \n control \x01 end";
    fmt::memory_buffer line;
    line.append(std::string_view("{\"text\":"));
    append_json_string(line, original);
    line.push_back('}');
    const auto parsed = parse_json_object(std::string_view(line.data(), line.size()));
    ASSERT_TRUE(parsed) << parsed.error();
    EXPECT_EQ(json_string(parsed.value(), "text"), original);
}

TEST(JsonObject, EmptyObjectAndWhitespace) {
    EXPECT_TRUE(parse_json_object("{}"));
    const auto parsed = parse_json_object(" { \"a\" : 1 , \"b\" : \"x\" } \n");
    ASSERT_TRUE(parsed) << parsed.error();
    EXPECT_EQ(json_int(parsed.value(), "a"), 1);
}

class JsonObjectRejects : public ::testing::TestWithParam<const char*> {};

TEST_P(JsonObjectRejects, WithAMessageNamingThePosition) {
    const auto parsed = parse_json_object(GetParam());
    ASSERT_FALSE(parsed) << GetParam();
    EXPECT_NE(parsed.error().find("at byte"), std::string::npos) << parsed.error();
}

INSTANTIATE_TEST_SUITE_P(BadInput, JsonObjectRejects,
                         ::testing::Values("", "[]", "{", "{\"a\"}", "{\"a\":}", "{\"a\":1,}",
                                           "{\"a\":1 \"b\":2}", "{\"a\":01}", "{\"a\":1.}", "{\"a\":-}",
                                           "{\"a\":1e}", "{\"a\":tru}", "{\"a\":\"unterminated}",
                                           "{\"a\":\"bad \\x escape\"}", "{\"a\":\"\\u12g4\"}",
                                           "{\"a\":{\"nested\":1}}", "{\"a\":[1]}", "{\"a\":1,\"a\":2}",
                                           "{\"a\":1} trailing", "{a:1}", "{\"a\":99999999999999999999}",
                                           "{\"a\":\"raw\ttab\"}"));

}  // namespace
}  // namespace leakdemo
