#include "schedule/json_text.hpp"

#include <gtest/gtest.h>

#include <string>

#include "schedule/programme_file.hpp"

namespace stagehub::schedule {
namespace {

std::string nested(size_t levels, char open = '[', char close = ']') {
    return std::string(levels, open) + std::string(levels, close);
}

TEST(JsonTextTest, DepthCountsBracketsOutsideStrings) {
    struct Case {
        std::string text;
        size_t depth;
    };
    const Case cases[] = {
        {"1", 0},
        {"{}", 1},
        {R"({"a":[1,{"b":[]}]})", 4},
        {R"({"a":"[[[[[[[[["})", 1},        // brackets inside a string do not nest
        {R"({"a":"\"[[[[","b":[[]]})", 3},  // nor after an escaped quote
        {R"(["\\",[[]]])", 3},              // an escaped backslash ends before the quote
        {"]]]]]][", 1},                     // malformed: never below zero
    };
    for (const Case& c : cases)
        EXPECT_EQ(json_nesting_depth(c.text, 100), c.depth) << c.text;
}

TEST(JsonTextTest, ParsesUpToTheLimitAndRefusesDeeper) {
    EXPECT_TRUE(parse_json(nested(kMaxJsonDepth)).ok());
    const auto deeper = parse_json(nested(kMaxJsonDepth + 1));
    ASSERT_FALSE(deeper.ok());
    EXPECT_EQ(deeper.error().code, "bad_json");
    EXPECT_NE(deeper.error().message.find("64 levels"), std::string::npos);
}

// The reproduced crash: 300,000 levels (600 KB, under the body limit) overflowed the stack.
// Refused by the scan, which stops counting at the limit, without building anything.
TEST(JsonTextTest, ThreeHundredThousandLevelsAreRefusedNotRecursedInto) {
    for (const auto& [open, close] : {std::pair{'[', ']'}, std::pair{'{', '}'}}) {
        std::string text = open == '{' ? std::string() : nested(300'000, open, close);
        if (open == '{') {
            for (int i = 0; i < 300'000; ++i)
                text += "{\"a\":";
            text += "1" + std::string(300'000, '}');
        }
        const auto parsed = parse_json(text);
        ASSERT_FALSE(parsed.ok());
        EXPECT_EQ(parsed.error().code, "bad_json");
    }
}

TEST(JsonTextTest, SyntaxErrorsSayWhereAndQuoteLittle) {
    const std::string unterminated = "{\"a\": \"" + std::string(100'000, 'x');
    const auto parsed = parse_json(unterminated);
    ASSERT_FALSE(parsed.ok());
    EXPECT_LT(parsed.error().message.size(), 300u);
    EXPECT_FALSE(parse_json("").ok());
    EXPECT_FALSE(parse_json("{\"a\":1} trailing").ok());
}

// Found by tests/fuzz/live_channels: one websocket message with a number beyond a double
// threw out of the parser, through the websocket callback, and ended the server.
TEST(JsonTextTest, ANumberBeyondADoubleIsBadJsonNotAnException) {
    for (const char* text : {R"({"type":"subscribe","x":1E400})", "[-1e99999]", "33.3E331666"}) {
        const auto parsed = parse_json(text);
        ASSERT_FALSE(parsed.ok()) << text;
        EXPECT_EQ(parsed.error().code, "bad_json");
        EXPECT_NE(parsed.error().message.find("number overflow"), std::string::npos)
            << parsed.error().message;
    }
}

TEST(JsonTextTest, TheProgrammeFileRefusesDeepDocuments) {
    const std::string deep = "{\"format\":" + nested(100'000) + "}";
    const auto programme = parse_programme_file(deep);
    ASSERT_FALSE(programme.ok());
    EXPECT_NE(programme.error().message.find("deeper"), std::string::npos);
}

}  // namespace
}  // namespace stagehub::schedule
