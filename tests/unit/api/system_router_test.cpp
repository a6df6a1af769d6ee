#include "api/system/system_router.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "api/mux.hpp"
#include "common/error.hpp"

namespace berth::api {
namespace {

using nlohmann::json;

class FakeBackend : public SystemBackend {
  public:
    ContainerCounts container_counts() override { return {5, 2, 1, 2}; }
    int64_t image_count() override { return 7; }
};

// Property names of a definition in the swagger file (the lines indented 6 spaces under its
// "properties:"), read as text so the test needs no YAML library.
std::set<std::string> swagger_properties(const std::string& definition) {
    std::ifstream in(std::string(BERTH_REFERENCE_DIR) + "/engine-api/v1.47.yaml");
    std::set<std::string> out;
    bool inside = false, props = false;
    for (std::string line; std::getline(in, line);) {
        if (line == "  " + definition + ":") {
            inside = true;
            continue;
        }
        if (!inside) continue;
        if (line.size() > 2 && line[2] != ' ' && line[0] == ' ') break;  // next definition
        if (line == "    properties:") props = true;
        if (props && line.size() > 7 && line.substr(0, 6) == "      " && line[6] != ' ' &&
            line.back() == ':')
            out.insert(line.substr(6, line.size() - 7));
    }
    return out;
}

class SystemRouterTest : public ::testing::Test {
  protected:
    SystemRouterTest() : router(config(), HostInfo::detect(), backend, bus) { mux.add(router); }
    static SystemConfig config() {
        SystemConfig c;
        c.id = "id-1";
        c.data_root = "/var/lib/berth";
        c.runtimes = {{"runc", "/usr/sbin/runc"}};
        c.registry_mirrors = {"http://127.0.0.1:9/"};
        c.insecure_registries = {"10.9.0.0/16", "reg.local:5000"};
        return c;
    }
    Response get(const std::string& method, const std::string& target) {
        Context ctx(method, target, {}, nullptr);
        return mux.dispatch(ctx);
    }
    FakeBackend backend;
    EventBus bus;
    SystemRouter router;
    Mux mux;
};

TEST_F(SystemRouterTest, Ping) {
    auto r = get("GET", "/_ping");
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.body, "OK");
    std::map<std::string, std::string> h(r.headers.begin(), r.headers.end());
    EXPECT_EQ(h["Docker-Experimental"], "false");
    EXPECT_EQ(h["Ostype"], "linux");
    EXPECT_EQ(h["Builder-Version"], "1");
    EXPECT_NE(h["Cache-Control"].find("no-cache"), std::string::npos);
    auto head = get("HEAD", "/v1.30/_ping");
    EXPECT_EQ(head.status, 200);
    EXPECT_EQ(head.body, "");
    // API-Version is a server header on every response.
    bool found = false;
    for (const auto& [k, v] : server_headers())
        if (k == "Api-Version") found = v == "1.47";
    EXPECT_TRUE(found);
}

TEST_F(SystemRouterTest, Version) {
    auto r = get("GET", "/v1.47/version");
    ASSERT_EQ(r.status, 200);
    auto j = json::parse(r.body);
    EXPECT_EQ(j["ApiVersion"], "1.47");
    EXPECT_EQ(j["MinAPIVersion"], "1.24");
    EXPECT_EQ(j["Os"], "linux");
    EXPECT_EQ(j["GoVersion"], "n/a");
    EXPECT_EQ(j["Components"][0]["Name"], "Engine");
    EXPECT_TRUE(j["Platform"].contains("Name"));
    for (const auto& key : swagger_properties("SystemVersion")) EXPECT_TRUE(j.contains(key)) << key;
}

TEST_F(SystemRouterTest, InfoShape) {
    auto r = get("GET", "/info");
    ASSERT_EQ(r.status, 200);
    auto j = json::parse(r.body);
    EXPECT_EQ(j["Containers"], 5);
    EXPECT_EQ(j["ContainersRunning"], 2);
    EXPECT_EQ(j["ContainersPaused"], 1);
    EXPECT_EQ(j["ContainersStopped"], 2);
    EXPECT_EQ(j["Images"], 7);
    EXPECT_EQ(j["OSType"], "linux");
    EXPECT_EQ(j["Driver"], "overlay2");
    EXPECT_EQ(j["CgroupDriver"], "cgroupfs");
    EXPECT_TRUE(j["CgroupVersion"] == "1" || j["CgroupVersion"] == "2");
    EXPECT_EQ(j["DefaultRuntime"], "berth");
    EXPECT_EQ(j["Runtimes"]["runc"]["path"], "/usr/sbin/runc");
    EXPECT_TRUE(j["Runtimes"].contains("berth"));
    EXPECT_EQ(j["ServerVersion"], BERTH_VERSION);
    EXPECT_GT(j["NCPU"].get<int>(), 0);
    EXPECT_GT(j["MemTotal"].get<int64_t>(), 0);
    EXPECT_TRUE(j["Warnings"].is_array());
    // daemon.json's registry settings, in dockerd's shape.
    const auto& reg = j["RegistryConfig"];
    EXPECT_EQ(reg["Mirrors"], json({"http://127.0.0.1:9/"}));
    EXPECT_EQ(reg["IndexConfigs"]["docker.io"]["Mirrors"], json({"http://127.0.0.1:9/"}));
    EXPECT_EQ(reg["InsecureRegistryCIDRs"], json({"::1/128", "127.0.0.0/8", "10.9.0.0/16"}));
    EXPECT_EQ(reg["IndexConfigs"]["reg.local:5000"]["Secure"], false);
    // Every key is one the Engine API defines (no typos clients would silently ignore).
    auto defined = swagger_properties("SystemInfo");
    ASSERT_GT(defined.size(), 50u);
    for (const auto& [key, _] : j.items()) EXPECT_TRUE(defined.count(key)) << key;
}

TEST(Timestamp, Parse) {
    EXPECT_EQ(parse_unix_timestamp("10", "since"), 10'000'000'000);
    EXPECT_EQ(parse_unix_timestamp("10.5", "since"), 10'500'000'000);
    EXPECT_EQ(parse_unix_timestamp("10.000000001", "since"), 10'000'000'001);
    EXPECT_THROW(parse_unix_timestamp("yesterday", "since"), Error);
    EXPECT_THROW(parse_unix_timestamp("1.", "since"), Error);
}

TEST_F(SystemRouterTest, EventsBadParams) {
    EXPECT_EQ(get("GET", "/events?since=abc").status, 400);
    EXPECT_EQ(get("GET", "/events?since=20&until=10").status, 400);
    EXPECT_EQ(get("GET", "/events?filters=%7B%22nope%22%3A%5B%22x%22%5D%7D").status, 400);
}

}  // namespace
}  // namespace berth::api

// dockerd lists the cgroup warnings after the memory and swap ones: config warnings first,
// then memory/swap (from the host), then block I/O.
namespace berth::api {
namespace {

using nlohmann::json;

TEST(SystemRouterWarnings, CgroupWarningsComeAfterMemoryOnes) {
    SystemConfig c;
    c.warnings = {"WARNING: config"};
    c.cgroup_warnings = {"WARNING: No io.max (rbps) support", "WARNING: No io.max (wbps) support"};
    HostInfo host = HostInfo::detect();
    host.memory_limit = false;
    host.swap_limit = false;
    FakeBackend backend;
    EventBus bus;
    SystemRouter router(c, host, backend, bus);
    Mux mux;
    mux.add(router);
    Context ctx("GET", "/info", {}, nullptr);
    auto j = json::parse(mux.dispatch(ctx).body);
    EXPECT_EQ(j["Warnings"], json::array({"WARNING: config", "WARNING: No memory limit support",
                                          "WARNING: No swap limit support", "WARNING: No io.max (rbps) support",
                                          "WARNING: No io.max (wbps) support"}));
}

}  // namespace
}  // namespace berth::api
