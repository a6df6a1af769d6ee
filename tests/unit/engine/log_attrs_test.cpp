#include "engine/log_attrs.hpp"

#include <gtest/gtest.h>

#include "common/error.hpp"
#include "engine/log_reader.hpp"

namespace berth::engine {
namespace {

TEST(LogAttrs, LabelsEnvAndRegexesAsDockerdPicksThem) {
    Json config = Json::parse(R"({"Labels": {"team": "core", "tier": "web", "x": "y"},
                                  "Env": ["STAGE=a b", "BARE", "REGION=eu"]})");
    Json opts = {{"labels", "team,missing"}, {"labels-regex", "^ti"}, {"env", "STAGE,BARE"},
                 {"env-regex", "GION$"}};
    EXPECT_EQ(log_attributes_json(opts, config),
              R"({"REGION":"eu","STAGE":"a b","team":"core","tier":"web"})");
    EXPECT_EQ(log_attributes_json(Json{{"max-size", "1m"}}, config), "");
    EXPECT_THROW(log_attributes_json(Json{{"env-regex", "("}}, config), Error);
}

TEST(LogAttrs, DetailsPrefixIsQueryEscapedAndSpaceWhenNone) {
    LogEntry e;
    e.message = "hi\n";
    e.time = "2026-01-01T00:00:00Z";
    e.attrs = {{"A", "x y"}, {"b", "1&2"}};
    EXPECT_EQ(format_log_entry(e, false, true), "A=x+y,b=1%262 hi\n");
    EXPECT_EQ(format_log_entry(e, true, true), "2026-01-01T00:00:00Z A=x+y,b=1%262 hi\n");
    e.attrs.clear();
    EXPECT_EQ(format_log_entry(e, false, true), " hi\n");
    EXPECT_EQ(format_log_entry(e, false, false), "hi\n");
}

}  // namespace
}  // namespace berth::engine
