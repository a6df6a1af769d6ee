#include "api/mux.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace berth::api {
namespace {

using nlohmann::json;

Response call(const Mux& mux, const std::string& method, const std::string& target,
              HeaderList headers = {}, std::string body = {}) {
    Context ctx(method, target, std::move(headers), nullptr, std::move(body));
    return mux.dispatch(ctx);
}

json body_of(const Response& r) {
    return json::parse(r.body);
}

class MuxTest : public ::testing::Test {
  protected:
    void SetUp() override {
        mux.add({"POST", "/containers/{id}/start", [this](Context& c) {
                     seen_id = c.param("id");
                     seen_version = c.version();
                     return Response::no_content();
                 }});
        mux.add({"GET", "/containers/json", [this](Context& c) {
                     all = c.query().get_bool("all");
                     return Response::json(200, json::array());
                 }});
        mux.add({"GET", "/images/{name:.*}/json", [this](Context& c) {
                     seen_id = c.param("name");
                     return Response::json(200, json::object());
                 }});
        mux.add({"DELETE", "/images/{name:.*}", [this](Context& c) {
                     seen_id = c.param("name");
                     return Response::json(200, json::array());
                 }});
        mux.add({"POST", "/fail/{code}", [](Context& c) -> Response {
                     static const std::map<std::string, Errc> codes = {
                         {"not_found", Errc::not_found},
                         {"conflict", Errc::conflict},
                         {"invalid_argument", Errc::invalid_argument},
                         {"permission_denied", Errc::permission_denied},
                         {"unavailable", Errc::unavailable},
                         {"internal", Errc::internal}};
                     if (c.param("code") == "std") throw std::runtime_error("boom");
                     throw Error(codes.at(c.param("code")), "it failed: " + c.param("code"));
                 }});
        mux.add({"POST", "/json", [](Context& c) {
                     json j = c.json_body();
                     return Response::json(
                         200, {{"got", j}, {"name", j.is_object() ? j.value("Name", "") : ""}});
                 }});
        mux.add({"POST", "/typed", [](Context& c) {
                     json j = c.json_body();
                     return Response::json(200, {{"n", j.at("Count").get<int>()}});
                 }});
    }
    Mux mux;
    std::string seen_id;
    ApiVersion seen_version;
    bool all = false;
};

TEST_F(MuxTest, PathParam) {
    auto r = call(mux, "POST", "/containers/abc123/start");
    EXPECT_EQ(r.status, 204);
    EXPECT_EQ(seen_id, "abc123");
    EXPECT_EQ(seen_version, kMaxApiVersion);  // unversioned path: the newest version
}

TEST_F(MuxTest, PercentEncodedParam) {
    call(mux, "POST", "/containers/my%20box/start");
    EXPECT_EQ(seen_id, "my box");
}

TEST_F(MuxTest, RestParamSpansSlashes) {
    EXPECT_EQ(call(mux, "GET", "/v1.47/images/registry:5000/library/busybox:1.36/json").status,
              200);
    EXPECT_EQ(seen_id, "registry:5000/library/busybox:1.36");
    EXPECT_EQ(call(mux, "DELETE", "/images/docker.io/library/busybox").status, 200);
    EXPECT_EQ(seen_id, "docker.io/library/busybox");
}

TEST_F(MuxTest, VersionedPaths) {
    EXPECT_EQ(call(mux, "POST", "/v1.24/containers/x/start").status, 204);
    EXPECT_EQ(seen_version, (ApiVersion{1, 24}));
    EXPECT_EQ(call(mux, "POST", "/v1.41/containers/x/start").status, 204);
    EXPECT_EQ(seen_version, (ApiVersion{1, 41}));
    EXPECT_EQ(call(mux, "POST", "/v1.47/containers/x/start").status, 204);
    EXPECT_EQ(seen_version, (ApiVersion{1, 47}));
}

TEST_F(MuxTest, TooNewVersion) {
    auto r = call(mux, "GET", "/v1.99/containers/json");
    EXPECT_EQ(r.status, 400);
    EXPECT_EQ(r.content_type, "application/json");
    EXPECT_EQ(body_of(r)["message"],
              "client version 1.99 is too new. Maximum supported API version is 1.47");
    EXPECT_EQ(call(mux, "GET", "/v2/containers/json").status, 400);
}

TEST_F(MuxTest, TooOldVersion) {
    auto r = call(mux, "GET", "/v1.23/containers/json");
    EXPECT_EQ(r.status, 400);
    EXPECT_EQ(body_of(r)["message"],
              "client version 1.23 is too old. Minimum supported API version is 1.24, please "
              "upgrade your client to a newer version");
    // Compared numerically per component, not as text: 1.5 < 1.24.
    EXPECT_EQ(call(mux, "GET", "/v1.5/containers/json").status, 400);
}

TEST_F(MuxTest, UnknownPathIs404Json) {
    auto r = call(mux, "GET", "/v1.47/nothing/here");
    EXPECT_EQ(r.status, 404);
    EXPECT_EQ(r.content_type, "application/json");
    EXPECT_EQ(body_of(r)["message"], "page not found");
    EXPECT_EQ(call(mux, "GET", "/containers/x/start/extra").status, 404);
    EXPECT_EQ(call(mux, "GET", "/").status, 404);
}

TEST_F(MuxTest, WrongMethodIs405) {
    auto r = call(mux, "GET", "/containers/x/start");
    EXPECT_EQ(r.status, 405);
    bool has_allow = false;
    for (const auto& [k, v] : r.headers)
        if (k == "Allow") has_allow = v == "POST";
    EXPECT_TRUE(has_allow);
    EXPECT_TRUE(body_of(r).contains("message"));
}

TEST_F(MuxTest, QueryBools) {
    for (const char* yes : {"1", "true", "True", "TRUE", "yes", "anything"}) {
        all = false;
        call(mux, "GET", std::string("/containers/json?all=") + yes);
        EXPECT_TRUE(all) << yes;
    }
    for (const char* no : {"0", "false", "False", "no", "none", ""}) {
        all = true;
        call(mux, "GET", std::string("/containers/json?all=") + no);
        EXPECT_FALSE(all) << no;
    }
    all = true;
    call(mux, "GET", "/containers/json");
    EXPECT_FALSE(all);
}

TEST_F(MuxTest, ErrorCodesMapToStatus) {
    const std::map<std::string, int> want = {{"not_found", 404},
                                             {"conflict", 409},
                                             {"invalid_argument", 400},
                                             {"permission_denied", 403},
                                             {"unavailable", 503},
                                             {"internal", 500},
                                             {"std", 500}};
    for (const auto& [code, status] : want) {
        auto r = call(mux, "POST", "/fail/" + code);
        EXPECT_EQ(r.status, status) << code;
        EXPECT_EQ(r.content_type, "application/json");
        auto msg = body_of(r)["message"].get<std::string>();
        EXPECT_FALSE(msg.empty());
        if (code != "std") {
            EXPECT_EQ(msg, "it failed: " + code);
        }
    }
}

TEST_F(MuxTest, JsonBody) {
    auto r =
        call(mux, "POST", "/json", {{"Content-Type", "application/json"}}, R"({"Name":"web"})");
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(body_of(r)["name"], "web");
    // No body is null, not an error (docker sends none for many POSTs).
    EXPECT_EQ(call(mux, "POST", "/json").status, 200);
}

TEST_F(MuxTest, MalformedJsonIs400NamingTheProblem) {
    auto r = call(mux, "POST", "/json", {{"Content-Type", "application/json"}}, R"({"Name": )");
    EXPECT_EQ(r.status, 400);
    auto msg = body_of(r)["message"].get<std::string>();
    EXPECT_NE(msg.find("JSON"), std::string::npos) << msg;
    EXPECT_NE(msg.find("byte"), std::string::npos) << msg;
}

TEST_F(MuxTest, WrongJsonTypeIs400) {
    auto r = call(mux, "POST", "/typed", {}, R"({"Count":"three"})");
    EXPECT_EQ(r.status, 400);
    EXPECT_NE(body_of(r)["message"].get<std::string>().find("JSON"), std::string::npos);
}

TEST_F(MuxTest, NonJsonContentTypeRefused) {
    auto r = call(mux, "POST", "/json", {{"Content-Type", "text/plain"}}, "{}");
    EXPECT_EQ(r.status, 400);
    EXPECT_EQ(body_of(r)["message"],
              "unsupported Content-Type header (text/plain): must be 'application/json'");
    EXPECT_EQ(
        call(mux, "POST", "/json", {{"content-type", "application/json; charset=utf-8"}}, "{}")
            .status,
        200);
}

TEST_F(MuxTest, BadQueryEscapeIs400) {
    EXPECT_EQ(call(mux, "GET", "/containers/json?all=%zz").status, 400);
}

TEST(ParseTarget, SplitsVersionPathQuery) {
    auto t = parse_target("/v1.40/containers/json?all=1&limit=2");
    ASSERT_TRUE(t.version);
    EXPECT_EQ(*t.version, (ApiVersion{1, 40}));
    EXPECT_EQ(t.path, "/containers/json");
    EXPECT_EQ(t.raw_query, "all=1&limit=2");
    auto u = parse_target("/version");
    EXPECT_FALSE(u.version);
    EXPECT_EQ(u.path, "/version");
    // A first segment starting with v but not a version is a plain path.
    EXPECT_FALSE(parse_target("/volumes/x").version);
    EXPECT_EQ(parse_target("/volumes/x").path, "/volumes/x");
}

}  // namespace
}  // namespace berth::api
