#include "api/containers/websocket.hpp"

#include <gtest/gtest.h>

namespace berth::api {

TEST(WebSocket, AcceptKeyOfRfc6455Example) {
    EXPECT_EQ(websocket_accept("dGhlIHNhbXBsZSBub25jZQ=="), "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
}

}  // namespace berth::api
