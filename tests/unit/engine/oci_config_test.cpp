#include <gtest/gtest.h>

#include <filesystem>

#include "common/error.hpp"
#include "common/file_util.hpp"
#include "engine/container_config.hpp"
#include "engine/names.hpp"
#include "engine/oci_config.hpp"
#include "engine/restart_policy.hpp"
#include "engine/user_lookup.hpp"

using namespace berth;
using namespace berth::engine;

namespace {

image::RunConfig image_with(std::vector<std::string> entrypoint, std::vector<std::string> cmd) {
    image::RunConfig r;
    r.entrypoint = std::move(entrypoint);
    r.cmd = std::move(cmd);
    r.env = {"PATH=/bin", "A=image"};
    return r;
}

OciInputs inputs(Json config, Json host_config = Json::object()) {
    OciInputs in;
    in.id = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    in.config = merge_image_config(config, image_with({}, {"sh"}));
    in.host_config = host_config;
    in.rootfs = "/rootfs";
    in.container_dir = "/c";
    return in;
}

}  // namespace

TEST(CommandMerge, DockerTable) {
    auto path_args = [](Json req, image::RunConfig img) { return command_of(merge_image_config(req, img)); };
    // image cmd only
    EXPECT_EQ(path_args(Json::object(), image_with({}, {"sh"})).first, "sh");
    // request cmd replaces image cmd; image entrypoint kept
    auto r = path_args({{"Cmd", {"x", "y"}}}, image_with({"/ep"}, {"default"}));
    EXPECT_EQ(r.first, "/ep");
    EXPECT_EQ(r.second, (std::vector<std::string>{"x", "y"}));
    // request entrypoint drops the image's cmd
    r = path_args({{"Entrypoint", {"/mine"}}}, image_with({"/ep"}, {"default"}));
    EXPECT_EQ(r.first, "/mine");
    EXPECT_TRUE(r.second.empty());
    // entrypoint [""] clears the image's entrypoint
    r = path_args({{"Entrypoint", {""}}, {"Cmd", {"echo"}}}, image_with({"/ep"}, {"default"}));
    EXPECT_EQ(r.first, "echo");
}

TEST(EnvMerge, ReplacesInPlaceAndAppends) {
    EXPECT_EQ(merge_env({"A=1", "B=2"}, {"B=3", "C=4"}), (std::vector<std::string>{"A=1", "B=3", "C=4"}));
    auto env = process_env({{"Env", {"A=x"}}, {"Tty", true}}, "host");
    EXPECT_EQ(env[0].substr(0, 5), "PATH=");
    EXPECT_NE(std::find(env.begin(), env.end(), "TERM=xterm"), env.end());
    EXPECT_NE(std::find(env.begin(), env.end(), "HOSTNAME=host"), env.end());
}

TEST(UserLookup, FromFakeRootfs) {
    auto dir = std::filesystem::temp_directory_path() / ("berth-user-" + std::to_string(::getpid()));
    mkdir_all(dir / "etc");
    write_file_atomic(dir / "etc/passwd", "root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000::/home/app:/bin/sh\n");
    write_file_atomic(dir / "etc/group", "root:x:0:\napp:x:1000:\nwheel:x:10:app\n");
    auto u = resolve_user(dir, "app");
    EXPECT_EQ(u.uid, 1000u);
    EXPECT_EQ(u.gid, 1000u);
    EXPECT_EQ(u.additional_gids, (std::vector<uint32_t>{1000, 10}));
    EXPECT_EQ(u.home, "/home/app");
    u = resolve_user(dir, "app:wheel");
    EXPECT_EQ(u.gid, 10u);
    EXPECT_EQ(u.additional_gids, (std::vector<uint32_t>{10}));  // a named group: no others
    u = resolve_user(dir, "42:43");
    EXPECT_EQ(u.uid, 42u);
    EXPECT_EQ(u.gid, 43u);
    EXPECT_THROW(resolve_user(dir, "nobody"), Error);
    std::filesystem::remove_all(dir);
}

TEST(Capabilities, AddDropAll) {
    auto caps = container_capabilities(Json::object());
    EXPECT_EQ(caps.size(), 14u);
    caps = container_capabilities({{"CapAdd", {"sys_admin"}}, {"CapDrop", {"CAP_CHOWN"}}});
    EXPECT_NE(std::find(caps.begin(), caps.end(), "CAP_SYS_ADMIN"), caps.end());
    EXPECT_EQ(std::find(caps.begin(), caps.end(), "CAP_CHOWN"), caps.end());
    caps = container_capabilities({{"CapDrop", {"ALL"}}, {"CapAdd", {"NET_BIND_SERVICE"}}});
    EXPECT_EQ(caps, (std::vector<std::string>{"CAP_NET_BIND_SERVICE"}));
    EXPECT_EQ(container_capabilities({{"CapAdd", {"ALL"}}}).size(), all_capabilities().size());
    EXPECT_THROW(container_capabilities({{"CapAdd", {"NOPE"}}}), Error);
}

TEST(OciConfig, DefaultsPrivilegedReadonly) {
    Json spec = build_oci_config(inputs({{"Cmd", {"echo", "hi"}}}));
    EXPECT_EQ(spec["process"]["args"], Json({"echo", "hi"}));
    EXPECT_EQ(spec["hostname"], "0123456789ab");
    EXPECT_EQ(spec["linux"]["cgroupsPath"], "/berth/0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");
    EXPECT_TRUE(spec["linux"].contains("maskedPaths"));
    bool shm = false;
    for (const auto& m : spec["mounts"]) {
        if (m["destination"] == "/dev/shm") shm = std::find(m["options"].begin(), m["options"].end(), "size=67108864") != m["options"].end();
    }
    EXPECT_TRUE(shm);
    Json priv = build_oci_config(inputs(Json::object(), {{"Privileged", true}, {"ReadonlyRootfs", true}}));
    EXPECT_FALSE(priv["linux"].contains("maskedPaths"));
    EXPECT_FALSE(priv["linux"].contains("seccomp"));
    EXPECT_TRUE(priv["root"]["readonly"]);
    EXPECT_EQ(priv["process"]["capabilities"]["bounding"].size(), all_capabilities().size());
}

TEST(OciConfig, Resources) {
    Json r = oci_resources({{"Memory", 64 << 20}, {"NanoCpus", 1500000000}, {"PidsLimit", 10}, {"CpuShares", 512}});
    EXPECT_EQ(r["memory"]["limit"], 64 << 20);
    EXPECT_EQ(r["memory"]["swap"], 128 << 20);
    EXPECT_EQ(r["cpu"]["quota"], 150000);
    EXPECT_EQ(r["cpu"]["period"], 100000);
    EXPECT_EQ(r["cpu"]["shares"], 512);
    EXPECT_EQ(r["pids"]["limit"], 10);
    EXPECT_THROW(oci_resources({{"NanoCpus", 1000000000}, {"CpuPeriod", 100000}}), Error);
}

TEST(Names, DockerRule) {
    EXPECT_NO_THROW(validate_name("web-1.a_b"));
    EXPECT_NO_THROW(validate_name("/x1"));
    EXPECT_THROW(validate_name("-bad"), Error);
    EXPECT_THROW(validate_name("a"), Error);
    EXPECT_THROW(validate_name("has space"), Error);
    EXPECT_EQ(generate_id().size(), 64u);
}

TEST(RestartPolicy, Backoff) {
    RestartManager m(RestartPolicy::from_json({{"Name", "always"}}));
    using std::chrono::milliseconds;
    EXPECT_EQ(m.on_exit(0, false, milliseconds(10)).delay, milliseconds(100));
    EXPECT_EQ(m.on_exit(0, false, milliseconds(10)).delay, milliseconds(200));
    EXPECT_EQ(m.on_exit(0, false, milliseconds(10)).delay, milliseconds(400));
    EXPECT_EQ(m.on_exit(0, false, milliseconds(20000)).delay, milliseconds(100));  // ran 10 s+: reset
    EXPECT_FALSE(m.on_exit(0, true, milliseconds(10)).restart);
    RestartManager f(RestartPolicy::from_json({{"Name", "on-failure"}, {"MaximumRetryCount", 2}}));
    EXPECT_FALSE(f.on_exit(0, false, milliseconds(1)).restart);
    EXPECT_TRUE(f.on_exit(1, false, milliseconds(1)).restart);
    EXPECT_TRUE(f.on_exit(1, false, milliseconds(1)).restart);
    EXPECT_FALSE(f.on_exit(1, false, milliseconds(1)).restart);
    EXPECT_THROW(RestartPolicy::from_json({{"Name", "sometimes"}}), Error);
}

TEST(OciConfig, ReadOnlyBindsAreRecursivelyReadOnlyWhereTheRuntimeCan) {
    Json hc = {{"Binds", {"/a:/ro:ro", "/a:/rw", "/a:/writable:ro-non-recursive", "/a:/forced:rro"}},
               {"Mounts", {{{"Type", "bind"}, {"Source", "/"}, {"Target", "/flat"}, {"BindOptions", {{"NonRecursive", true}}}}}}};
    auto options_of = [](const Json& spec, const std::string& dest) {
        for (const auto& m : spec["mounts"]) {
            if (m["destination"] == dest) return m["options"];
        }
        return Json();
    };
    OciInputs in = inputs(Json::object(), hc);
    int asked = 0;
    in.recursive_read_only_unsupported = [&] { return ++asked, std::string(); };
    Json spec = build_oci_config(in);
    EXPECT_EQ(options_of(spec, "/ro"), Json({"rbind", "rprivate", "ro", "rro"}));
    EXPECT_EQ(options_of(spec, "/rw"), Json({"rbind", "rprivate"}));
    EXPECT_EQ(options_of(spec, "/writable"), Json({"rbind", "rprivate", "ro"}));
    EXPECT_EQ(options_of(spec, "/forced"), Json({"rbind", "rprivate", "ro", "rro"}));
    EXPECT_EQ(options_of(spec, "/flat"), Json({"bind", "rprivate"}));
    EXPECT_GT(asked, 0);

    // A container of an API < 1.44 client: Docker 24's read-only binds, unless a mode word says rro.
    in.read_only_binds_non_recursive = true;
    spec = build_oci_config(in);
    EXPECT_EQ(options_of(spec, "/ro"), Json({"rbind", "rprivate", "ro"}));
    EXPECT_EQ(options_of(spec, "/forced"), Json({"rbind", "rprivate", "ro", "rro"}));

    // A runtime without rro: "ro" alone, and an error for the bind that demands it.
    in.read_only_binds_non_recursive = false;
    in.recursive_read_only_unsupported = [] { return std::string("rro is not supported by runtime \"old\""); };
    try {
        build_oci_config(in);
        ADD_FAILURE() << "rro demanded from a runtime without it was accepted";
    } catch (const Error& e) {
        EXPECT_STREQ(e.what(), "rro is not supported by runtime \"old\" (HostConfig.Binds: /a:/forced:rro)");
    }
    hc["Binds"] = {"/a:/ro:ro"};
    in.host_config = hc;
    EXPECT_EQ(options_of(build_oci_config(in), "/ro"), Json({"rbind", "rprivate", "ro"}));
}

TEST(OciConfig, UserMountsAfterDefaultsSortedAndReplacingEtcFiles) {
    Json hc = {{"Binds", {"/h/etc:/etc", "/h/hosts:/etc/hosts:ro", "/h/data:/data:rshared"}},
               {"Mounts", {{{"Type", "tmpfs"}, {"Target", "/dev/shm"}, {"TmpfsOptions", {{"SizeBytes", 1 << 20}}}}}}};
    Json spec = build_oci_config(inputs(Json::object(), hc));
    std::vector<std::string> dests;
    for (const auto& m : spec["mounts"]) dests.push_back(m["destination"]);
    // Defaults first (the user's /dev/shm replaces Docker's), then by depth: /etc before what is in it.
    std::vector<std::string> want = {"/proc", "/dev", "/dev/pts", "/sys", "/sys/fs/cgroup", "/dev/mqueue",
                                     "/etc", "/data", "/etc/resolv.conf", "/etc/hostname", "/etc/hosts", "/dev/shm"};
    EXPECT_EQ(dests, want);
    auto find = [&](const std::string& d) {
        for (const auto& m : spec["mounts"]) {
            if (m["destination"] == d) return m;
        }
        return Json();
    };
    EXPECT_EQ(find("/etc/hosts"), (Json{{"destination", "/etc/hosts"}, {"type", "bind"}, {"source", "/h/hosts"}, {"options", {"rbind", "rprivate", "ro", "rro"}}}));
    EXPECT_EQ(find("/etc")["options"], Json({"rbind", "rprivate"}));
    EXPECT_EQ(find("/data")["options"], Json({"rbind", "rshared"}));
    EXPECT_EQ(find("/dev/shm"), (Json{{"destination", "/dev/shm"}, {"type", "tmpfs"}, {"source", "tmpfs"},
                                      {"options", {"noexec", "nosuid", "nodev", "rprivate", "size=1m"}}}));
    EXPECT_EQ(spec["linux"]["rootfsPropagation"], "rshared");
    EXPECT_FALSE(build_oci_config(inputs(Json::object(), {{"Binds", {"/a:/b"}}}))["linux"].contains("rootfsPropagation"));
}

TEST(OciConfig, CreateRequestChecksMounts) {
    EXPECT_NO_THROW(validate_create_request({{"HostConfig", {{"Binds", {"/nonexistent/berth/x:/x"}}}}}));
    try {
        validate_create_request({{"HostConfig", {{"Mounts", {{{"Type", "bind"}, {"Source", "/nonexistent/berth/x"}, {"Target", "/x"}}}}}}});
        ADD_FAILURE() << "a missing --mount source must be refused";
    } catch (const Error& e) {
        EXPECT_EQ(std::string(e.what()), "invalid mount config for type \"bind\": bind source path does not exist: /nonexistent/berth/x");
    }
    EXPECT_THROW(validate_create_request({{"HostConfig", {{"Binds", {"vol:/x"}}}}}), Error);
}
