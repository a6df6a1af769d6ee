#include "api/images/images_router.hpp"

#include <gtest/gtest.h>

#include "api/mux.hpp"
#include "common/error.hpp"

namespace berth::api {
namespace {

class FakeImages : public ImageBackend {
  public:
    std::vector<std::string> calls;
    FilterMap last_filters;
    bool last_all = false;
    Json list(const FilterMap& f, bool all) override {
        last_filters = f;
        last_all = all;
        return Json::array({{{"Id", "sha256:aa"}}});
    }
    Json inspect(const std::string& n) override {
        if (n != "busybox" && n != "library/busybox:1")
            throw Error(Errc::not_found, "No such image: " + n);
        return {{"Id", "sha256:aa"}};
    }
    Json history(const std::string& n) override { return Json::array({{{"Id", n}}}); }
    void tag(const std::string& s, const std::string& t) override {
        calls.push_back("tag " + s + " " + t);
    }
    Json remove(const std::string& n, bool force, bool noprune) override {
        calls.push_back("rm " + n + (force ? " force" : "") + (noprune ? " noprune" : ""));
        return Json::array({{{"Untagged", n}}});
    }
    Json prune(const FilterMap& f) override {
        last_filters = f;
        return {{"ImagesDeleted", nullptr}, {"SpaceReclaimed", 0}};
    }
    std::string resolve(const std::string& n) override {
        inspect(n);
        return "sha256:aa";
    }
    std::vector<std::string> load(int) override { return {"Loaded image: busybox:latest"}; }
    void save(const std::vector<std::string>&, int) override {}
    std::string import(int, const ImportRequest&) override { return "sha256:bb"; }
    std::string commit(const CommitRequest& r) override { return "sha256:cc" + r.reference; }
    void pull(const PullRequest& r, const ProgressFn&) override {
        calls.push_back("pull " + r.reference + (r.all_tags ? " all" : "") + " " + r.platform + " " +
                        r.auth_header);
        // Before any progress: a plain HTTP error, as dockerd answers an unknown manifest.
        throw Error(Errc::not_found, "manifest for " + r.reference + " not found: manifest unknown");
    }
    void push(const std::string& ref, const std::string& auth, const std::string& platform,
              const ProgressFn&) override {
        calls.push_back("push " + ref + " " + auth + " " + platform);
        throw Error(Errc::not_found, "An image does not exist locally with the tag: " + ref);
    }
    Json login(const Json& body) override {
        calls.push_back("login " + body.value("username", ""));
        return {{"Status", "Login Succeeded"}, {"IdentityToken", ""}};
    }
    Json distribution_inspect(const std::string& ref, const std::string&) override {
        calls.push_back("distribution " + ref);
        return {{"Descriptor", Json::object()}, {"Platforms", Json::array()}};
    }
};

class ImagesRouterTest : public ::testing::Test {
  protected:
    ImagesRouterTest() : router(fake) { mux.add(router); }
    Response call(const std::string& method, const std::string& target, std::string body = {}) {
        HeaderList h;
        if (!body.empty()) h.emplace_back("Content-Type", "application/json");
        Context ctx(method, target, h, nullptr, std::move(body));
        return mux.dispatch(ctx);
    }
    FakeImages fake;
    ImagesRouter router;
    Mux mux;
};

TEST_F(ImagesRouterTest, ListPassesFiltersAndAll) {
    auto r =
        call("GET", "/v1.47/images/json?all=1&filters=%7B%22dangling%22%3A%5B%22true%22%5D%7D");
    EXPECT_EQ(r.status, 200);
    EXPECT_TRUE(fake.last_all);
    EXPECT_EQ(fake.last_filters["dangling"], std::vector<std::string>{"true"});
    EXPECT_EQ(call("GET", "/images/json?filters=%7B%22bogus%22%3A%5B%22x%22%5D%7D").status, 400);
}

TEST_F(ImagesRouterTest, InspectAndHistoryTakeNamesWithSlashes) {
    EXPECT_EQ(call("GET", "/images/library/busybox:1/json").status, 200);
    auto r = call("GET", "/images/nope/json");
    EXPECT_EQ(r.status, 404);
    EXPECT_EQ(Json::parse(r.body)["message"], "No such image: nope");
    EXPECT_EQ(Json::parse(call("GET", "/images/a/b/history").body)[0]["Id"], "a/b");
}

TEST_F(ImagesRouterTest, TagJoinsRepoAndTagAndAnswers201) {
    EXPECT_EQ(call("POST", "/images/busybox/tag?repo=me/box&tag=v1").status, 201);
    EXPECT_EQ(call("POST", "/images/busybox/tag?repo=me/box").status, 201);
    EXPECT_EQ(call("POST", "/images/busybox/tag").status, 400);
    std::vector<std::string> want = {"tag busybox me/box:v1", "tag busybox me/box"};
    EXPECT_EQ(fake.calls, want);
}

TEST_F(ImagesRouterTest, DeletePassesForceAndNoprune) {
    auto r = call("DELETE", "/images/x/y:1?force=1&noprune=1");
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(Json::parse(r.body)[0]["Untagged"], "x/y:1");
    EXPECT_EQ(fake.calls.back(), "rm x/y:1 force noprune");
}

TEST_F(ImagesRouterTest, PullErrorsBeforeProgressAreHttpErrorsAndUrlImportsAreRefused) {
    auto r = call("POST", "/images/create?fromImage=alpine&tag=3&platform=linux/arm64");
    EXPECT_EQ(r.status, 404);
    EXPECT_NE(r.body.find("alpine:3"), std::string::npos);
    EXPECT_EQ(fake.calls.back(), "pull alpine:3 linux/arm64 ");
    call("POST", "/images/create?fromImage=alpine");
    EXPECT_EQ(fake.calls.back(), "pull alpine all  ");
    call("POST", "/images/create?fromImage=host:5000/alpine");
    EXPECT_EQ(fake.calls.back(), "pull host:5000/alpine all  ");
    call("POST", "/images/create?fromImage=alpine&tag=sha256:" + std::string(64, 'a'));
    EXPECT_EQ(fake.calls.back(), "pull alpine@sha256:" + std::string(64, 'a') + "  ");
    EXPECT_EQ(call("POST", "/images/create?fromSrc=http://x/y.tar").status, 400);
    EXPECT_EQ(call("POST", "/images/create").status, 400);
}

TEST_F(ImagesRouterTest, RegistryRoutesPassAuthPlatformAndBody) {
    auto r = call("POST", "/images/127.0.0.1:5000/x/push?tag=1&platform=%7B%22os%22%3A%22linux%22%7D");
    EXPECT_EQ(r.status, 404);  // thrown before any progress: a plain HTTP error
    EXPECT_EQ(fake.calls.back(), "push 127.0.0.1:5000/x:1  {\"os\":\"linux\"}");
    r = call("POST", "/auth", R"({"username":"u","password":"p"})");
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(Json::parse(r.body)["Status"], "Login Succeeded");
    EXPECT_EQ(fake.calls.back(), "login u");
    EXPECT_EQ(call("POST", "/auth", "[1]").status, 400);
    EXPECT_EQ(call("GET", "/distribution/127.0.0.1:5000/x:1/json").status, 200);
    EXPECT_EQ(fake.calls.back(), "distribution 127.0.0.1:5000/x:1");
}

TEST_F(ImagesRouterTest, SaveOfAnUnknownImageIs404BeforeAnyTar) {
    EXPECT_EQ(call("GET", "/images/get?names=nope").status, 404);
    EXPECT_EQ(call("GET", "/images/nope/get").status, 404);
}

TEST_F(ImagesRouterTest, CommitNeedsAContainer) {
    EXPECT_EQ(call("POST", "/commit").status, 400);
    auto r = call("POST", "/commit?container=web&repo=me/snap&tag=1");
    EXPECT_EQ(r.status, 201);
    EXPECT_EQ(Json::parse(r.body)["Id"], "sha256:ccme/snap:1");
}

TEST(JoinReference, TagsAndDigests) {
    EXPECT_EQ(join_reference("a/b", "1"), "a/b:1");
    EXPECT_EQ(join_reference("a/b", ""), "a/b");
    EXPECT_EQ(join_reference("a", "sha256:00"), "a@sha256:00");
}

}  // namespace
}  // namespace berth::api
