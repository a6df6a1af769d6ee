// HostConfig's namespace modes against moby's WithNamespaces and runconfig checks.
#include "engine/namespace_modes.hpp"

#include <gtest/gtest.h>

#include "common/error.hpp"

namespace berth::engine {
namespace {

std::string check_error(const Json& config, const Json& hc) {
    try {
        check_namespace_modes(config, hc);
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), Errc::invalid_argument);
        return e.what();
    }
    return "(no error)";
}

// type -> path ("" for a new namespace); absent types are not in the map.
std::map<std::string, std::string> by_type(const NamespacePlan& p) {
    std::map<std::string, std::string> out;
    for (const auto& n : p.namespaces) out[n["type"]] = n.value("path", "");
    return out;
}

TEST(NamespaceModes, DefaultsArePrivate) {
    auto ns = by_type(plan_namespaces(Json::object(), false, nullptr));
    EXPECT_EQ(ns, (std::map<std::string, std::string>{
                      {"mount", ""}, {"uts", ""}, {"pid", ""}, {"ipc", ""}, {"network", ""}}));
    EXPECT_TRUE(by_type(plan_namespaces(Json::object(), true, nullptr)).count("cgroup"))
        << "cgroup v2: a private cgroup namespace by default";
    EXPECT_FALSE(
        by_type(plan_namespaces({{"CgroupnsMode", "host"}}, true, nullptr)).count("cgroup"));
}

TEST(NamespaceModes, HostModesLeaveTheNamespaceOut) {
    Json hc = {
        {"UTSMode", "host"}, {"PidMode", "host"}, {"IpcMode", "host"}, {"NetworkMode", "host"}};
    auto plan = plan_namespaces(hc, false, nullptr);
    EXPECT_EQ(by_type(plan), (std::map<std::string, std::string>{{"mount", ""}}));
    EXPECT_TRUE(plan.host_network);
}

TEST(NamespaceModes, ContainerModesJoinTheDonorByPid) {
    std::vector<std::string> asked;
    JoinContainer join = [&](const std::string& kind, const std::string& name) {
        asked.push_back(kind + " " + name);
        return JoinedContainer{kind == "network" ? 11 : kind == "PID" ? 22 : 33, "/dirs/" + name};
    };
    Json hc = {{"NetworkMode", "container:web"},
               {"PidMode", "container:app"},
               {"IpcMode", "container:db"}};
    auto plan = plan_namespaces(hc, false, join);
    auto ns = by_type(plan);
    EXPECT_EQ(ns["network"], "/proc/11/ns/net");
    EXPECT_EQ(ns["pid"], "/proc/22/ns/pid");
    EXPECT_EQ(ns["ipc"], "/proc/33/ns/ipc");
    EXPECT_EQ(ns["uts"], "") << "the UTS namespace stays the container's own";
    EXPECT_EQ(plan.network_donor, 11);
    EXPECT_EQ(plan.ipc_donor_dir, "/dirs/db");
    EXPECT_EQ(asked, (std::vector<std::string>{"PID app", "IPC db", "network web"}));
    EXPECT_THROW(plan_namespaces(hc, false, nullptr), Error) << "no lookup: joining is refused";
}

TEST(NamespaceModes, UserDefinedNetworksAreNotFoundYet) {
    try {
        plan_namespaces({{"NetworkMode", "mynet"}}, false, nullptr);
        ADD_FAILURE();
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), Errc::not_found);
        EXPECT_STREQ(e.what(), "network mynet not found");
    }
}

TEST(NamespaceModes, CheckedAtCreateWithMobysWords) {
    EXPECT_EQ(check_error({}, {{"IpcMode", "shareable"}}), "(no error)");
    EXPECT_EQ(check_error({}, {{"IpcMode", "bogus"}}), "invalid IPC mode: bogus");
    EXPECT_EQ(check_error({}, {{"IpcMode", "container:"}}), "invalid IPC mode: container:");
    EXPECT_EQ(check_error({}, {{"PidMode", "private"}}), "invalid PID mode: private");
    EXPECT_EQ(check_error({}, {{"UTSMode", "x"}}), "invalid UTS mode: x");
    EXPECT_EQ(check_error({}, {{"CgroupnsMode", "x"}}), "invalid cgroup namespace mode: x");
    EXPECT_EQ(check_error({{"Hostname", "h"}}, {{"UTSMode", "host"}}),
              "conflicting options: hostname and the UTS mode");
    EXPECT_EQ(check_error({{"Hostname", "h"}}, {{"NetworkMode", "container:x"}}),
              "conflicting options: hostname and the network mode");
    EXPECT_EQ(check_error({}, {{"NetworkMode", "container:x"}, {"Dns", {"1.1.1.1"}}}),
              "conflicting options: dns and the network mode");
    EXPECT_EQ(check_error({}, {{"NetworkMode", "container:x"}, {"ExtraHosts", {"a:1.2.3.4"}}}),
              "conflicting options: custom host-to-IP mapping and the network mode");
}

}  // namespace
}  // namespace berth::engine
