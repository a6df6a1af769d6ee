#include "common/json_reader.hpp"

#include <gtest/gtest.h>

#include "common/error.hpp"

using berth::Error;
using berth::JsonReader;

TEST(JsonReader, NamesThePathOfAWrongType) {
    auto j = berth::parse_json(R"({"process":{"args":["sh", 3]}})", "config.json");
    JsonReader r(j, "config.json");
    try {
        (void)r.at("process").string_list("args");
        FAIL() << "expected an error";
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), berth::Errc::invalid_argument);
        EXPECT_STREQ(e.what(), "config.json: process.args[1]: expected a string, got integer");
    }
}

TEST(JsonReader, NamesAMissingMember) {
    auto j = berth::parse_json(R"({"root":{}})", "config.json");
    JsonReader r(j, "config.json");
    EXPECT_THROW(
        {
            try {
                (void)r.at("root").at("path");
            } catch (const Error& e) {
                EXPECT_STREQ(e.what(), "config.json: root.path: required but missing");
                throw;
            }
        },
        Error);
}

TEST(JsonReader, MalformedJsonNamesTheDocument) {
    try {
        (void)berth::parse_json("{\"a\": ", "config.json");
        FAIL();
    } catch (const Error& e) {
        EXPECT_EQ(std::string(e.what()).rfind("config.json: malformed JSON", 0), 0u) << e.what();
    }
}

TEST(JsonReader, NegativeIntegerIsNotUnsigned) {
    auto j = berth::parse_json(R"({"uid": -1})", "c");
    JsonReader r(j, "c");
    EXPECT_THROW((void)r.at("uid").as_uint(), Error);
    EXPECT_EQ(r.at("uid").as_int(), -1);
}

TEST(JsonReader, OverflowingNumberIsAnInvalidArgument) {
    // Found by the manifest fuzzer: nlohmann throws out_of_range, not parse_error, for this.
    EXPECT_THROW((void)berth::parse_json("5e764814", "manifest"), Error);
}
