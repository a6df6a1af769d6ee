#include "api/containers/create_keys.hpp"
#include "api/json_keys.hpp"

#include <gtest/gtest.h>

namespace berth::api {

TEST(JsonKeys, OtherCasingsTakeTheFieldsSpelling) {
    Json j = {{"detachKeys", "ctrl-x"}, {"cmd", {"ls"}}, {"Unknown", 1}};
    canonicalize_keys(j, {"DetachKeys", "Cmd"});
    EXPECT_EQ(j, (Json{{"DetachKeys", "ctrl-x"}, {"Cmd", {"ls"}}, {"Unknown", 1}}));
}

TEST(JsonKeys, TheExactSpellingWins) {
    Json j = {{"Tty", true}, {"tty", false}, {"TTY", false}};
    canonicalize_keys(j, {"Tty"});
    EXPECT_EQ(j, (Json{{"Tty", true}}));
}

TEST(JsonKeys, NotAnObjectIsLeftAlone) {
    Json j = Json::array();
    canonicalize_keys(j, {"Tty"});
    EXPECT_EQ(j, Json::array());
}

}  // namespace berth::api

namespace berth::api {

TEST(JsonKeys, UpdateAndCommitBodiesMatchAsGoDoes) {
    Json update = Json::parse(R"({"memory": 1048576, "cpushares": 512, "restartpolicy": {"name": "always"}})");
    canonicalize_update_request(update);
    EXPECT_EQ(update["Memory"], 1048576);
    EXPECT_EQ(update["CpuShares"], 512);
    EXPECT_EQ(update["RestartPolicy"]["Name"], "always");
    Json config = Json::parse(R"({"cmd": ["sh"], "env": ["A=1"], "labels": {"keep": "Case"}})");
    canonicalize_container_config(config);
    EXPECT_EQ(config["Cmd"][0], "sh");
    EXPECT_EQ(config["Env"][0], "A=1");
    EXPECT_EQ(config["Labels"]["keep"], "Case");  // a map's keys stay as sent
}

}  // namespace berth::api
