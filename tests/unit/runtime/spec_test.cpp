#include "runtime/spec.hpp"

#include <gtest/gtest.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/resource.h>

#include "common/error.hpp"
#include "common/file_util.hpp"
#include "runtime/default_spec.hpp"

using berth::Error;
using berth::Json;
using namespace berth::runtime;

namespace {

Json minimal() {
    return Json::parse(R"({
        "ociVersion": "1.2.0",
        "process": {"args": ["sh"], "cwd": "/"},
        "root": {"path": "rootfs"},
        "linux": {"namespaces": [{"type": "pid"}, {"type": "mount"}]}
    })");
}

// The message of the invalid_argument error parsing `j` throws.
std::string error_of(const Json& j) {
    try {
        parse_spec_json(j);
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), berth::Errc::invalid_argument);
        return e.what();
    }
    ADD_FAILURE() << "expected an error";
    return "";
}

}  // namespace

TEST(Spec, ParsesTheReferenceExample) {
    auto j = Json::parse(berth::read_file(BERTH_REFERENCE_DIR "/oci-runtime-spec/example-config.json"));
    // The schema's example predates 1.0; every field in it is still valid 1.x.
    j["ociVersion"] = "1.2.0";
    Spec s = parse_spec_json(j);
    ASSERT_TRUE(s.process);
    EXPECT_FALSE(s.process->args.empty());
    EXPECT_FALSE(s.linux.namespaces.empty());
    EXPECT_FALSE(s.mounts.empty());
}

TEST(Spec, ParsesOurDefaultSpecBothWays) {
    Spec s = parse_spec_json(default_spec(false, 0, 0));
    EXPECT_EQ(s.process->args, std::vector<std::string>{"sh"});
    EXPECT_TRUE(s.root.readonly);
    EXPECT_NE(s.linux.find_namespace("network"), nullptr);
    EXPECT_EQ(s.process->rlimits.at(0).resource, RLIMIT_NOFILE);
    Spec rootless = parse_spec_json(default_spec(true, 1000, 1000));
    EXPECT_NE(rootless.linux.find_namespace("user"), nullptr);
    EXPECT_EQ(rootless.linux.uid_mappings.at(0).host_id, 1000u);
}

TEST(Spec, NamespaceFlagsAndPaths) {
    auto j = minimal();
    j["linux"]["namespaces"].push_back({{"type", "network"}, {"path", "/proc/1/ns/net"}});
    Spec s = parse_spec_json(j);
    EXPECT_EQ(s.linux.find_namespace("pid")->clone_flag, CLONE_NEWPID);
    EXPECT_EQ(s.linux.find_namespace("network")->path, "/proc/1/ns/net");
}

TEST(Spec, ErrorsNameTheJsonPath) {
    auto j = minimal();
    j["linux"]["namespaces"][1]["type"] = "pidd";
    EXPECT_EQ(error_of(j), "config.json: linux.namespaces[1].type: unknown namespace type \"pidd\"");

    j = minimal();
    j["process"]["args"] = "sh";
    EXPECT_EQ(error_of(j), "config.json: process.args: expected an array, got string");

    j = minimal();
    j["process"]["args"] = Json::array({"sh", 1});
    EXPECT_EQ(error_of(j), "config.json: process.args[1]: expected a string, got integer");

    j = minimal();
    j.erase("root");
    EXPECT_EQ(error_of(j), "config.json: root: required but missing");

    j = minimal();
    j["mounts"] = Json::array({{{"destination", "relative"}, {"type", "tmpfs"}}});
    EXPECT_NE(error_of(j).find("mounts[0].destination: mount destination must be an absolute path"), std::string::npos);

    j = minimal();
    j["process"]["capabilities"] = {{"bounding", {"CAP_NOPE"}}};
    EXPECT_EQ(error_of(j), "config.json: process.capabilities.bounding[0]: unknown capability \"CAP_NOPE\"");

    j = minimal();
    j["process"]["rlimits"] = Json::array({{{"type", "RLIMIT_FOO"}, {"soft", 1}, {"hard", 1}}});
    EXPECT_EQ(error_of(j), "config.json: process.rlimits[0].type: unknown rlimit \"RLIMIT_FOO\"");

    j = minimal();
    j["linux"]["namespaces"].push_back({{"type", "pid"}});
    EXPECT_EQ(error_of(j), "config.json: linux.namespaces[2].type: namespace \"pid\" listed twice");

    j = minimal();
    j["ociVersion"] = "2.0.0";
    EXPECT_NE(error_of(j).find("ociVersion: unsupported version"), std::string::npos);

    j = minimal();
    j["linux"]["resources"] = {{"memory", {{"swappiness", 200}}}};
    EXPECT_NE(error_of(j).find("linux.resources.memory.swappiness"), std::string::npos);

    j = minimal();
    j["hostname"] = "x";
    EXPECT_NE(error_of(j).find("hostname: setting the hostname needs a uts namespace"), std::string::npos);
}

TEST(Spec, MountOptionsBecomeFlagsPropagationAndData) {
    auto j = minimal();
    j["mounts"] = Json::array({
        {{"destination", "/data"}, {"source", "/srv"}, {"options", {"rbind", "ro", "nosuid", "rslave"}}},
        {{"destination", "/tmp"}, {"type", "tmpfs"}, {"options", {"nodev", "size=64k", "mode=1777", "rw"}}},
    });
    Spec s = parse_spec_json(j);
    const Mount& bind = s.mounts[0];
    EXPECT_TRUE(bind.bind);
    EXPECT_TRUE(bind.recursive);
    EXPECT_EQ(bind.flags, static_cast<unsigned long>(MS_RDONLY | MS_NOSUID));
    EXPECT_EQ(bind.propagation, static_cast<unsigned long>(MS_SLAVE | MS_REC));
    const Mount& tmp = s.mounts[1];
    EXPECT_FALSE(tmp.bind);
    EXPECT_EQ(tmp.flags, static_cast<unsigned long>(MS_NODEV));
    EXPECT_EQ(tmp.data, "size=64k,mode=1777");
}

TEST(Spec, RecursiveMountOptionsBecomeMountAttrs) {
    auto j = minimal();
    j["mounts"] = Json::array({
        {{"destination", "/data"}, {"source", "/srv"}, {"options", {"rbind", "rro", "rnosuid", "rdev", "rnoatime"}}},
        {{"destination", "/x"}, {"source", "/srv"}, {"options", {"rbind", "rro", "rrw"}}},
    });
    Spec s = parse_spec_json(j);
    const Mount& data = s.mounts[0];
    EXPECT_EQ(data.flags, 0UL) << "recursive options are not MS_* flags of the first mount";
    EXPECT_EQ(data.data, "") << "nor filesystem data";
    EXPECT_EQ(data.rec_attr_set, static_cast<uint64_t>(MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOATIME));
    EXPECT_EQ(data.rec_attr_clr, static_cast<uint64_t>(MOUNT_ATTR_NODEV | MOUNT_ATTR__ATIME));
    const Mount& x = s.mounts[1];
    EXPECT_EQ(x.rec_attr_set, 0U) << "the later of rro and rrw wins";
    EXPECT_EQ(x.rec_attr_clr, static_cast<uint64_t>(MOUNT_ATTR_RDONLY));
}

TEST(Spec, ResourcesKeepUnsetApartFromZero) {
    auto j = minimal();
    j["linux"]["resources"] = {{"memory", {{"limit", 0}}}, {"pids", {{"limit", 20}}}, {"cpu", {{"cpus", "0-1"}}}};
    Spec s = parse_spec_json(j);
    ASSERT_TRUE(s.linux.resources);
    EXPECT_EQ(s.linux.resources->memory.limit, 0);
    EXPECT_FALSE(s.linux.resources->memory.swap.has_value());
    EXPECT_EQ(s.linux.resources->pids_limit, 20);
    EXPECT_EQ(s.linux.resources->cpu.cpus, "0-1");
}

TEST(Spec, HooksAndTimeouts) {
    auto j = minimal();
    j["hooks"] = {{"prestart", {{{"path", "/bin/true"}, {"timeout", 5}}}},
                  {"poststop", {{{"path", "relative"}}}}};
    EXPECT_EQ(error_of(j), "config.json: hooks.poststop[0].path: hook path must be absolute");
    j["hooks"].erase("poststop");
    Spec s = parse_spec_json(j);
    EXPECT_EQ(s.hooks.prestart.at(0).timeout, 5);
}
