#include <gtest/gtest.h>

#include <filesystem>

#include "common/file_util.hpp"
#include "engine/log_reader.hpp"
#include "shim/json_log.hpp"

using namespace berth;

TEST(LogReader, TailSinceTimestampsAndRotation) {
    auto dir = std::filesystem::temp_directory_path() / ("berth-log-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    std::string path = dir / "c-json.log";
    {
        shim::JsonFileLog log(path, {200, 3});
        for (int i = 0; i < 20; ++i) log.write(i % 2 ? 2 : 1, "line " + std::to_string(i) + "\n");
    }
    EXPECT_TRUE(path_exists(path + ".1"));
    EXPECT_FALSE(path_exists(path + ".3"));
    std::vector<engine::LogEntry> got;
    engine::LogReadOptions o;
    o.max_file = 3;
    o.tail = 2;
    engine::read_logs(path, o, [&](const engine::LogEntry& e) { got.push_back(e); return true; });
    ASSERT_EQ(got.size(), 2u);
    EXPECT_EQ(got[1].message, "line 19\n");
    EXPECT_EQ(got[1].stream, 2);
    EXPECT_EQ(engine::format_log_entry(got[1], true), got[1].time + " line 19\n");
    got.clear();
    o.tail = -1;
    o.stderr_ = false;
    o.since_ns = engine::parse_rfc3339_ns("2000-01-01T00:00:00Z");
    engine::read_logs(path, o, [&](const engine::LogEntry& e) { got.push_back(e); return true; });
    for (auto& e : got) EXPECT_EQ(e.stream, 1);
    EXPECT_EQ(engine::parse_rfc3339_ns("1970-01-01T00:00:01.5Z"), 1500000000);
    EXPECT_EQ(engine::parse_log_time("10s", 20000000000), 10000000000);
    std::filesystem::remove_all(dir);
}
