#include <gtest/gtest.h>

#include "api/filters.hpp"
#include "api/query.hpp"
#include "common/error.hpp"

namespace berth::api {
namespace {

TEST(Query, DecodesLikeGo) {
    auto q = Query::parse("name=a+b&x=%2Fc%3D&flag&empty=&k=1&k=2");
    EXPECT_EQ(q.get("name"), "a b");
    EXPECT_EQ(q.get("x"), "/c=");
    EXPECT_TRUE(q.has("flag"));
    EXPECT_EQ(q.get("flag"), "");
    EXPECT_EQ(q.get("empty"), "");
    EXPECT_EQ(q.all("k"), (std::vector<std::string>{"1", "2"}));
    EXPECT_FALSE(q.get("missing"));
}

TEST(Query, Bools) {
    auto q = Query::parse("a=1&b=True&c=0&d=false&e=&f=yes");
    EXPECT_TRUE(q.get_bool("a"));
    EXPECT_TRUE(q.get_bool("b"));
    EXPECT_FALSE(q.get_bool("c"));
    EXPECT_FALSE(q.get_bool("d"));
    EXPECT_FALSE(q.get_bool("e"));
    EXPECT_TRUE(q.get_bool("f"));
    EXPECT_FALSE(q.get_bool("absent"));
    EXPECT_TRUE(q.get_bool_or("absent", true));
    EXPECT_FALSE(q.get_bool_or("e", true));  // present-but-empty is false, not the default
}

TEST(Query, Ints) {
    auto q = Query::parse("t=10&neg=-1&bad=ten&e=");
    EXPECT_EQ(q.get_int("t"), 10);
    EXPECT_EQ(q.get_int("neg"), -1);
    EXPECT_FALSE(q.get_int("e"));
    EXPECT_FALSE(q.get_int("absent"));
    try {
        q.get_int("bad");
        FAIL();
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), Errc::invalid_argument);
        EXPECT_NE(std::string(e.what()).find("bad"), std::string::npos);
    }
}

TEST(Query, BadEscape) {
    EXPECT_THROW(Query::parse("a=%4"), Error);
}

TEST(Filters, BothForms) {
    auto a = Filters::parse(R"({"label":["a=b","c"],"status":["running"]})");
    auto b = Filters::parse(R"({"label":{"a=b":true,"c":true},"status":{"running":true}})");
    for (const auto* f : {&a, &b}) {
        EXPECT_TRUE(f->contains("label"));
        EXPECT_EQ(f->values("status"), std::vector<std::string>{"running"});
        EXPECT_TRUE(f->match_exact("status", "running"));
        EXPECT_FALSE(f->match_exact("status", "exited"));
        EXPECT_TRUE(f->match_exact("absent", "anything"));
        EXPECT_TRUE(f->match_labels("label", {{"a", "b"}, {"c", "x"}}));
        EXPECT_FALSE(f->match_labels("label", {{"a", "x"}, {"c", "x"}}));
        EXPECT_FALSE(f->match_labels("label", {{"a", "b"}}));
    }
    EXPECT_TRUE(Filters::parse("").empty());
}

TEST(Filters, Malformed) {
    EXPECT_THROW(Filters::parse("{"), Error);
    EXPECT_THROW(Filters::parse("[1]"), Error);
    EXPECT_THROW(Filters::parse(R"({"a":"b"})"), Error);
    EXPECT_THROW(Filters::parse(R"({"a":[1]})"), Error);
    // Nested far deeper than a filter ever is: refused before a value is built.
    std::string deep = "{\"a\":" + std::string(5000, '[') + std::string(5000, ']') + "}";
    try {
        Filters::parse(deep);
        FAIL();
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("exceeded max depth"), std::string::npos) << e.what();
    }
}

TEST(Filters, Validate) {
    auto f = Filters::parse(R"({"status":["running"],"bogus":["x"]})");
    try {
        f.validate({"status", "label"});
        FAIL();
    } catch (const Error& e) {
        EXPECT_EQ(std::string(e.what()), "invalid filter 'bogus'");
    }
}

TEST(Filters, Fuzzy) {
    auto f = Filters::parse(R"({"container":["abc"]})");
    EXPECT_TRUE(f.match_fuzzy("container", "abcdef"));
    EXPECT_FALSE(f.match_fuzzy("container", "xabc"));
    EXPECT_TRUE(f.match_fuzzy("image", "anything"));
}

}  // namespace
}  // namespace berth::api
