// JSON nesting is bounded before nlohmann builds a value, whose copies and dumps recurse.
#include "common/json_depth.hpp"

#include <gtest/gtest.h>

#include <string>

#include "common/error.hpp"
#include "common/json_reader.hpp"

namespace berth {
namespace {

std::string nested(size_t n, const std::string& open, const std::string& close) {
    std::string s;
    for (size_t i = 0; i < n; ++i) s += open;
    s += "1";
    for (size_t i = 0; i < n; ++i) s += close;
    return s;
}

TEST(JsonDepth, CountsArraysAndObjectsOutsideStrings) {
    EXPECT_FALSE(json_nesting_exceeds("[[1]]", 2));
    EXPECT_TRUE(json_nesting_exceeds("[[[1]]]", 2));
    EXPECT_TRUE(json_nesting_exceeds(R"({"a":{"b":[1]}})", 2));
    // Brackets in strings, escaped quotes included, are text.
    EXPECT_FALSE(json_nesting_exceeds(R"(["[[[[", "\"[[[[", "\\", "{{{{"])", 1));
    // Siblings do not add up.
    EXPECT_FALSE(json_nesting_exceeds("[[1],[2],[3],{\"a\":4}]", 2));
}

TEST(JsonDepth, ParseJsonRefusesWhatGoesDeeperThanTheLimit) {
    EXPECT_NO_THROW(parse_json(nested(kMaxJsonDepth, "[", "]"), "doc"));
    try {
        parse_json(nested(kMaxJsonDepth + 1, "{\"a\":", "}"), "request body");
        FAIL() << "no error";
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), Errc::invalid_argument);
        EXPECT_NE(std::string(e.what()).find("request body: exceeded max depth"), std::string::npos)
            << e.what();
    }
}

TEST(JsonDepth, SixtyThousandLevelsAreRefusedNotACrash) {
    // 120 KB of '[': this body overflowed berthd's stack when the parsed value was copied.
    EXPECT_THROW(parse_json(nested(60000, "[", "]"), "body"), Error);
    EXPECT_THROW(parse_json(nested(60000, "{\"a\":", "}"), "body"), Error);
    // Unbalanced or malformed text deep enough is refused for the depth, also without a crash.
    EXPECT_THROW(parse_json(std::string(60000, '['), "body"), Error);
}

}  // namespace
}  // namespace berth
