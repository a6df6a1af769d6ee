#include "api/containers/containers_router.hpp"

#include <gtest/gtest.h>

#include "api/containers/stdio_bridge.hpp"
#include "api/mux.hpp"
#include "common/error.hpp"

namespace berth::api {
namespace {

// Records calls; containers "a1b2" (name web) and "c3d4" exist, newest last in `rows`.
class FakeContainers : public ContainerBackend {
  public:
    std::vector<std::string> calls;
    Json last_body;
    bool last_legacy_read_only_binds = false;
    std::vector<Json> rows = {
        {{"Id", "c3d4"}, {"Created", 100}, {"State", "exited"}},
        {{"Id", "a1b2"}, {"Created", 200}, {"State", "running"}},
        {{"Id", "e5f6"}, {"Created", 300}, {"State", "running"}},
    };
    ContainerListOptions last_list;

    std::string known(const std::string& id) {
        if (id == "web" || id == "a1b2" || id == "a1") return "a1b2";
        if (id == "c3d4" || id == "e5f6") return id;
        throw Error(Errc::not_found, "No such container: " + id);
    }
    Json create(const Json& body, const std::string& name, bool legacy_read_only_binds) override {
        last_legacy_read_only_binds = legacy_read_only_binds;
        last_body = body;
        if (name == "taken")
            throw Error(Errc::conflict,
                        "Conflict. The container name \"/taken\" is already in use");
        return {{"Id", "new1"}};
    }
    bool start(const std::string& id) override { return known(id) != "e5f6"; }
    bool stop(const std::string& id, int t, const std::string& s) override {
        calls.push_back("stop " + known(id) + " " + std::to_string(t) + " " + s);
        return true;
    }
    void kill(const std::string& id, const std::string& s) override {
        calls.push_back("kill " + known(id) + " " + s);
    }
    void restart(const std::string& id, int t, const std::string&) override {
        calls.push_back("restart " + known(id) + " " + std::to_string(t));
    }
    void pause(const std::string& id) override { calls.push_back("pause " + known(id)); }
    void unpause(const std::string& id) override { calls.push_back("unpause " + known(id)); }
    WaitOutcome wait(const std::string& id, const std::string&, const std::function<void()>&,
                     const std::function<bool()>&) override {
        known(id);
        return {3, ""};
    }
    void remove(const std::string& id, bool force, bool v) override {
        calls.push_back("rm " + known(id) + (force ? " force" : "") + (v ? " v" : ""));
    }
    void rename(const std::string& id, const std::string& n) override {
        calls.push_back("rename " + known(id) + " " + n);
    }
    std::vector<std::string> update(const std::string& id, const Json&) override {
        known(id);
        return {"w1"};
    }
    std::vector<Json> list(const ContainerListOptions& o) override {
        last_list = o;
        return rows;
    }
    Json inspect(const std::string& id, bool) override {
        return {{"Id", known(id)}, {"Config", {{"Tty", false}}}};
    }
    std::string resolve(const std::string& id) override { return known(id); }
    void logs(const std::string&, const LogsRequest&,
              const std::function<bool(int, std::string_view)>&) override {}
    StdioStream attach(const std::string&, const AttachRequest&) override { return {}; }
    void resize(const std::string& id, unsigned h, unsigned w) override {
        calls.push_back("resize " + known(id) + " " + std::to_string(h) + "x" + std::to_string(w));
    }
    Json top(const std::string& id, const std::string& args) override {
        return {{"args", args}, {"id", known(id)}};
    }
    Json stats(const std::string& id) override { return {{"id", known(id)}}; }
    Json changes(const std::string& id) override {
        return known(id) == "a1b2" ? Json::array() : Json::array({{{"Path", "/x"}, {"Kind", 1}}});
    }
    void export_rootfs(const std::string&, int) override {}
    Json prune(const FilterMap& f) override { return {{"filters", f.size()}}; }
    PathStat stat_path(const std::string& id, const std::string& path) override {
        known(id);
        if (path != "/etc")
            throw Error(Errc::not_found, "Could not find the file " + path + " in container " + id);
        return {"etc", 4096, (1u << 31) | 0755, "2024-01-01T00:00:00Z", ""};
    }
    void get_archive(const std::string&, const std::string&, int) override {}
    void put_archive(const std::string&, const std::string&, int, bool) override {}
};

class ContainersRouterTest : public ::testing::Test {
  protected:
    ContainersRouterTest() : router(fake) { mux.add(router); }
    Response call(const std::string& method, const std::string& target, std::string body = {}) {
        HeaderList h;
        if (!body.empty()) h.emplace_back("Content-Type", "application/json");
        Context ctx(method, target, h, nullptr, std::move(body));
        return mux.dispatch(ctx);
    }
    static Json json(const Response& r) { return Json::parse(r.body); }
    FakeContainers fake;
    ContainersRouter router;
    Mux mux;
};

TEST_F(ContainersRouterTest, CreateAnswers201WithIdAndEmptyWarnings) {
    auto r =
        call("POST", "/v1.47/containers/create?name=x", R"({"Image":"busybox","Cmd":["true"]})");
    EXPECT_EQ(r.status, 201);
    EXPECT_EQ(json(r)["Id"], "new1");
    EXPECT_TRUE(json(r)["Warnings"].is_array());
    EXPECT_EQ(fake.last_body["Image"], "busybox");
}

TEST_F(ContainersRouterTest, CreateBeforeApi144AsksForNonRecursiveReadOnlyBinds) {
    call("POST", "/v1.43/containers/create", R"({"Image":"busybox"})");
    EXPECT_TRUE(fake.last_legacy_read_only_binds);
    call("POST", "/v1.44/containers/create", R"({"Image":"busybox"})");
    EXPECT_FALSE(fake.last_legacy_read_only_binds);
    call("POST", "/containers/create", R"({"Image":"busybox"})");
    EXPECT_FALSE(fake.last_legacy_read_only_binds) << "unversioned paths are the current version";
}

TEST_F(ContainersRouterTest, CreateRefusesEmptyMalformedAndNonObjectBodies) {
    EXPECT_EQ(call("POST", "/containers/create").status, 400);
    auto r = call("POST", "/containers/create", "{\"Image\": ");
    EXPECT_EQ(r.status, 400);
    EXPECT_FALSE(json(r)["message"].get<std::string>().empty());
    r = call("POST", "/containers/create", "[1,2]");
    EXPECT_EQ(r.status, 400);
    EXPECT_NE(json(r)["message"].get<std::string>().find("cannot unmarshal array"),
              std::string::npos);
}

TEST_F(ContainersRouterTest, NameConflictIs409) {
    auto r = call("POST", "/containers/create?name=taken", R"({"Image":"busybox"})");
    EXPECT_EQ(r.status, 409);
    EXPECT_NE(r.body.find("already in use"), std::string::npos);
}

TEST_F(ContainersRouterTest, UnknownContainerIs404WithDockersMessage) {
    auto r = call("GET", "/containers/nope/json");
    EXPECT_EQ(r.status, 404);
    EXPECT_EQ(json(r)["message"], "No such container: nope");
}

TEST_F(ContainersRouterTest, StartIs204Or304) {
    EXPECT_EQ(call("POST", "/containers/web/start").status, 204);
    EXPECT_EQ(call("POST", "/containers/e5f6/start").status, 304);
}

TEST_F(ContainersRouterTest, StopKillRestartPassTheirParameters) {
    EXPECT_EQ(call("POST", "/containers/web/stop?t=3&signal=SIGINT").status, 204);
    EXPECT_EQ(call("POST", "/containers/web/kill").status, 204);
    EXPECT_EQ(call("POST", "/containers/web/kill?signal=HUP").status, 204);
    EXPECT_EQ(call("POST", "/containers/web/restart").status, 204);
    EXPECT_EQ(call("POST", "/containers/web/stop?t=x").status, 400);
    std::vector<std::string> want = {"stop a1b2 3 SIGINT", "kill a1b2 SIGKILL", "kill a1b2 HUP",
                                     "restart a1b2 -1"};
    EXPECT_EQ(fake.calls, want);
}

TEST_F(ContainersRouterTest, PauseUnpauseRemoveRenameResize) {
    EXPECT_EQ(call("POST", "/containers/web/pause").status, 204);
    EXPECT_EQ(call("POST", "/containers/web/unpause").status, 204);
    EXPECT_EQ(call("DELETE", "/containers/web?force=1&v=true").status, 204);
    EXPECT_EQ(call("POST", "/containers/web/rename?name=db").status, 204);
    EXPECT_EQ(call("POST", "/containers/web/rename").status, 400);
    EXPECT_EQ(call("POST", "/containers/web/resize?h=24&w=80").status, 200);
    std::vector<std::string> want = {"pause a1b2", "unpause a1b2", "rm a1b2 force v",
                                     "rename a1b2 db", "resize a1b2 24x80"};
    EXPECT_EQ(fake.calls, want);
}

TEST_F(ContainersRouterTest, WaitConditionIsValidated) {
    EXPECT_EQ(call("POST", "/containers/web/wait?condition=bogus").status, 400);
    EXPECT_EQ(call("POST", "/containers/nope/wait").status, 404);
}

TEST_F(ContainersRouterTest, ListSortsNewestFirstAndAppliesBeforeSinceLimit) {
    auto r = call("GET", "/containers/json");
    ASSERT_EQ(r.status, 200);
    auto rows = json(r);
    ASSERT_EQ(rows.size(), 3u);
    EXPECT_EQ(rows[0]["Id"], "e5f6");
    EXPECT_FALSE(fake.last_list.all);

    rows = json(call("GET", "/containers/json?filters=%7B%22before%22%3A%5B%22web%22%5D%7D"));
    ASSERT_EQ(rows.size(), 1u);
    EXPECT_EQ(rows[0]["Id"], "c3d4");
    EXPECT_TRUE(fake.last_list.all);
    EXPECT_EQ(fake.last_list.filters.count("before"), 0u);

    rows = json(call("GET", "/containers/json?filters=%7B%22since%22%3A%5B%22web%22%5D%7D"));
    ASSERT_EQ(rows.size(), 1u);
    EXPECT_EQ(rows[0]["Id"], "e5f6");

    rows = json(call("GET", "/containers/json?limit=2"));
    EXPECT_EQ(rows.size(), 2u);
    EXPECT_TRUE(fake.last_list.all);
}

TEST_F(ContainersRouterTest, ListFiltersAreValidatedAndPassedOn) {
    auto r = call("GET", "/containers/json?filters=%7B%22bogus%22%3A%5B%22x%22%5D%7D");
    EXPECT_EQ(r.status, 400);
    r = call("GET", "/containers/json?filters=%7B%22status%22%3A%5B%22sleeping%22%5D%7D");
    EXPECT_EQ(r.status, 400);
    r = call("GET",
             "/containers/"
             "json?all=1&filters=%7B%22label%22%3A%5B%22a%3Db%22%5D%2C%22status%22%3A%5B%22exited%"
             "22%5D%7D");
    EXPECT_EQ(r.status, 200);
    EXPECT_TRUE(fake.last_list.all);
    EXPECT_EQ(fake.last_list.filters["label"], std::vector<std::string>{"a=b"});
    EXPECT_EQ(fake.last_list.filters["status"], std::vector<std::string>{"exited"});
}

TEST_F(ContainersRouterTest, ChangesAreNullWhenEmptyTopGetsPsArgs) {
    EXPECT_EQ(call("GET", "/containers/web/changes").body, "null\n");
    EXPECT_EQ(json(call("GET", "/containers/c3d4/changes"))[0]["Path"], "/x");
    EXPECT_EQ(json(call("GET", "/containers/web/top"))["args"], "-ef");
    EXPECT_EQ(json(call("GET", "/containers/web/top?ps_args=aux"))["args"], "aux");
}

TEST_F(ContainersRouterTest, UpdateAndPruneAnswerJson) {
    auto r = call("POST", "/containers/web/update", R"({"Memory": 1000000})");
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(json(r)["Warnings"][0], "w1");
    EXPECT_EQ(call("POST", "/containers/prune?filters=%7B%22nope%22%3A%5B%221%22%5D%7D").status,
              400);
    EXPECT_EQ(
        json(call("POST",
                  "/containers/prune?filters=%7B%22until%22%3A%5B%2210m%22%5D%7D"))["filters"],
        1);
}

TEST_F(ContainersRouterTest, ArchiveHeadCarriesThePathStat) {
    auto r = call("HEAD", "/containers/web/archive?path=/etc");
    ASSERT_EQ(r.status, 200);
    std::string stat;
    for (auto& [k, v] : r.headers)
        if (k == "X-Docker-Container-Path-Stat") stat = v;
    // base64 of {"linkTarget":"","mode":2147484141,"mtime":...,"name":"etc","size":4096}
    EXPECT_EQ(stat.substr(0, 16), "eyJsaW5rVGFyZ2V0");
    EXPECT_EQ(call("HEAD", "/containers/web/archive?path=/nope").status, 404);
    EXPECT_EQ(call("HEAD", "/containers/web/archive").status, 400);
}

TEST(StdioBridge, DetachKeysFollowDockersGrammar) {
    EXPECT_EQ(parse_detach_keys(""), std::string("\x10\x11", 2));
    EXPECT_EQ(parse_detach_keys("ctrl-a,x"), std::string("\x01x", 2));
    EXPECT_EQ(parse_detach_keys("ctrl-@"), std::string(1, '\0'));
    EXPECT_EQ(parse_detach_keys("ctrl-_"), std::string(1, '\x1f'));
    EXPECT_THROW(parse_detach_keys("ctrl-1"), Error);
    EXPECT_THROW(parse_detach_keys("abc"), Error);
}

TEST(StdioBridge, MuxFrameHeader) {
    std::string f = mux_frame(2, "hi");
    ASSERT_EQ(f.size(), 10u);
    EXPECT_EQ(f[0], 2);
    EXPECT_EQ(f[7], 2);
    EXPECT_EQ(f.substr(8), "hi");
}

}  // namespace
}  // namespace berth::api
