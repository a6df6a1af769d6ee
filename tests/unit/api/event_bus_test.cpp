#include "api/events/event_bus.hpp"

#include <gtest/gtest.h>

#include <thread>

#include "common/error.hpp"

namespace berth::api {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

EventFilter filter(const char* text) {
    return EventFilter(Filters::parse(text));
}

TEST(EventBus, DockerShape) {
    EventBus bus;
    auto sub = bus.subscribe({}, std::nullopt);
    bus.publish("container", "start", "abc", {{"image", "busybox"}, {"name", "web"}});
    auto ev = sub.live->next(1s);
    ASSERT_TRUE(ev);
    EXPECT_EQ((*ev)["Type"], "container");
    EXPECT_EQ((*ev)["Action"], "start");
    EXPECT_EQ((*ev)["Actor"]["ID"], "abc");
    EXPECT_EQ((*ev)["Actor"]["Attributes"]["name"], "web");
    EXPECT_EQ((*ev)["scope"], "local");
    EXPECT_EQ((*ev)["time"].get<int64_t>(), (*ev)["timeNano"].get<int64_t>() / 1000000000);
    // Legacy fields older clients read.
    EXPECT_EQ((*ev)["status"], "start");
    EXPECT_EQ((*ev)["id"], "abc");
    EXPECT_EQ((*ev)["from"], "busybox");
    bus.unsubscribe(sub.live);
    EXPECT_EQ(bus.subscriber_count(), 0u);
}

TEST(EventBus, NoLegacyFieldsForOtherTypes) {
    EventBus bus;
    auto sub = bus.subscribe({}, std::nullopt);
    bus.publish("image", "tag", "sha256:1", {{"name", "busybox:latest"}});
    auto ev = sub.live->next(1s);
    ASSERT_TRUE(ev);
    EXPECT_FALSE(ev->contains("status"));
}

TEST(EventBus, Filters) {
    EventBus bus;
    auto by_type = bus.subscribe(filter(R"({"type":["image"]})"), std::nullopt);
    auto by_event = bus.subscribe(filter(R"({"event":["exec_start"]})"), std::nullopt);
    auto by_container = bus.subscribe(filter(R"({"container":["web"]})"), std::nullopt);
    auto by_image = bus.subscribe(filter(R"({"image":["busybox"]})"), std::nullopt);
    auto by_label = bus.subscribe(filter(R"({"label":["tier=front"]})"), std::nullopt);
    bus.publish("container", "exec_start: sh -c true", "c1",
                {{"name", "web"}, {"image", "busybox:latest"}});
    bus.publish("container", "start", "c2",
                {{"name", "db"}, {"image", "postgres"}, {"tier", "front"}});
    bus.publish("image", "pull", "busybox:latest", {{"name", "busybox:latest"}});

    auto actions = [](EventBus::Subscribed& s) {
        std::vector<std::string> out;
        while (auto ev = s.live->next(0ms)) out.push_back((*ev)["Action"]);
        return out;
    };
    EXPECT_EQ(actions(by_type), std::vector<std::string>{"pull"});
    EXPECT_EQ(actions(by_event), std::vector<std::string>{"exec_start: sh -c true"});
    EXPECT_EQ(actions(by_container), std::vector<std::string>{"exec_start: sh -c true"});
    EXPECT_EQ(actions(by_image), (std::vector<std::string>{"exec_start: sh -c true", "pull"}));
    EXPECT_EQ(actions(by_label), std::vector<std::string>{"start"});
}

TEST(EventBus, UnknownFilterRefused) {
    EXPECT_THROW(filter(R"({"colour":["red"]})"), Error);
}

TEST(EventBus, SinceUntilFromRing) {
    EventBus bus(3);
    for (int i = 1; i <= 5; ++i) {
        bus.publish(
            json{{"Type", "daemon"}, {"Action", "a" + std::to_string(i)}, {"timeNano", i * 1000}});
    }
    // The ring holds the 3 newest.
    auto all = bus.subscribe({}, 0);
    ASSERT_EQ(all.backlog.size(), 3u);
    EXPECT_EQ(all.backlog.front()["Action"], "a3");
    auto window = bus.subscribe({}, 4000, 4500);
    ASSERT_EQ(window.backlog.size(), 1u);
    EXPECT_EQ(window.backlog[0]["Action"], "a4");
    auto none = bus.subscribe({}, std::nullopt);
    EXPECT_TRUE(none.backlog.empty());
}

TEST(EventBus, CloseWakesSubscribers) {
    EventBus bus;
    auto sub = bus.subscribe({}, std::nullopt);
    std::thread t([&] {
        std::this_thread::sleep_for(50ms);
        bus.close();
    });
    auto start = std::chrono::steady_clock::now();
    EXPECT_FALSE(sub.live->next(5s));
    EXPECT_LT(std::chrono::steady_clock::now() - start, 2s);
    EXPECT_TRUE(sub.live->closed());
    t.join();
}

TEST(EventBus, SlowSubscriberLosesOldest) {
    EventBus bus(16, 2);
    auto sub = bus.subscribe({}, std::nullopt);
    for (int i = 0; i < 5; ++i) bus.publish("daemon", "a" + std::to_string(i), "d");
    EXPECT_EQ(sub.live->dropped(), 3u);
    EXPECT_EQ((*sub.live->next(0ms))["Action"], "a3");
}

}  // namespace
}  // namespace berth::api
