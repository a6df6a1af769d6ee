#include <gtest/gtest.h>

#include "shim/json_log.hpp"
#include "common/time_format.hpp"

using namespace berth::shim;

TEST(JsonLog, DockerLineFormat) {
    std::string out;
    timespec ts{1, 500000000};
    append_json_log_line(out, "a<b>\"\x01\n", "stdout", ts);
    EXPECT_EQ(out, "{\"log\":\"a\\u003cb\\u003e\\\"\\u0001\\n\",\"stream\":\"stdout\",\"time\":\"1970-01-01T00:00:01.5Z\"}\n");
    out.clear();
    append_json_log_line(out, "\xff", "stderr", timespec{0, 0});
    EXPECT_NE(out.find("\\ufffd"), std::string::npos);
    EXPECT_EQ(parse_log_size("10m"), 10u << 20);
    EXPECT_EQ(parse_log_size("1k"), 1024u);
}
