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
