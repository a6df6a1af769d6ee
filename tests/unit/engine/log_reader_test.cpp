#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <memory>
#include <mutex>
#include <thread>

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

// A follower finishes a rotated file and keeps what a removal took away: it holds the file
// it reads open (dockerd's follower does the same).
TEST(LogReader, FollowAcrossRotationAndRemoval) {
    auto dir = std::filesystem::temp_directory_path() / ("berth-logf-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    std::string path = dir / "c-json.log";
    auto log = std::make_unique<shim::JsonFileLog>(path, shim::LogOptions{200, 3});
    log->write(1, "line 0\n");
    std::atomic<bool> running{true};
    std::atomic<int> count{0};
    std::vector<std::string> got;
    std::mutex mu;
    engine::LogReadOptions o;
    o.max_file = 3;
    o.follow = true;
    std::thread reader([&] {
        engine::read_logs(path, o, [&](const engine::LogEntry& e) {
            std::lock_guard lock(mu);
            got.push_back(e.message);
            ++count;
            return true;
        }, [&] { return running.load(); });
    });
    auto wait_for = [&](int n) {
        for (int i = 0; i < 3000 && count < n; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    };
    wait_for(1);
    ASSERT_EQ(count, 1);
    for (int i = 1; i < 5; ++i) log->write(1, "line " + std::to_string(i) + "\n");  // rotates once
    wait_for(5);
    ASSERT_EQ(count, 5);
    log->write(1, "line 5\n");
    log.reset();
    std::filesystem::remove_all(dir);  // the container's removal
    running = false;
    reader.join();
    ASSERT_EQ(got.size(), 6u);
    for (int i = 0; i < 6; ++i) EXPECT_EQ(got[i], "line " + std::to_string(i) + "\n");
}
