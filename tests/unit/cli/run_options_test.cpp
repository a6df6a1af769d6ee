// The run/create flag -> ContainerCreate mapping against what docker/cli sends.
#include "cli/container/run_options.hpp"

#include <gtest/gtest.h>

#include "cli/flags/flag_set.hpp"

namespace berth::cli {
namespace {

struct Built {
    CreateRequest req;
    const Json& config() const { return req.body; }
    const Json& host() const { return req.body["HostConfig"]; }
};

Built build(const std::vector<std::string>& argv, std::map<std::string, std::string> env = {},
            std::map<std::string, std::string> files = {}) {
    RunOptions o;
    FlagSet flags("berth run", "[OPTIONS] IMAGE [COMMAND] [ARG...]");
    register_run_flags(flags, o, true);
    auto pos = flags.parse(argv);
    record_changed(flags, o);
    auto lookup = [env](const std::string& k) -> std::optional<std::string> {
        auto it = env.find(k);
        if (it == env.end()) return std::nullopt;
        return it->second;
    };
    auto read = [files](const std::string& path) {
        auto it = files.find(path);
        if (it == files.end()) throw Error(Errc::not_found, "no file " + path);
        return it->second;
    };
    return Built{build_create_request(o, pos, lookup, read)};
}

TEST(RunOptions, ImageCommandAndDefaults) {
    auto b = build({"busybox", "ls", "-l"});
    EXPECT_EQ(b.config()["Image"], "busybox");
    EXPECT_EQ(b.config()["Cmd"], Json::array({"ls", "-l"}));
    EXPECT_TRUE(b.config()["Entrypoint"].is_null());
    EXPECT_EQ(b.config()["AttachStdout"], true);
    EXPECT_EQ(b.config()["AttachStderr"], true);
    EXPECT_EQ(b.config()["AttachStdin"], false);
    EXPECT_EQ(b.config()["Tty"], false);
    EXPECT_EQ(b.host()["NetworkMode"], "default");
    EXPECT_EQ(b.host()["RestartPolicy"], (Json{{"Name", ""}, {"MaximumRetryCount", 0}}));
    EXPECT_FALSE(b.host().contains("Init"));
    EXPECT_FALSE(b.host().contains("PidsLimit"));
    EXPECT_TRUE(build({"busybox"}).config()["Cmd"].is_null());
}

TEST(RunOptions, InteractiveTtyDetach) {
    auto it = build({"-it", "busybox", "sh"});
    EXPECT_EQ(it.config()["Tty"], true);
    EXPECT_EQ(it.config()["OpenStdin"], true);
    EXPECT_EQ(it.config()["AttachStdin"], true);
    EXPECT_EQ(it.config()["StdinOnce"], true);
    auto d = build({"-d", "-i", "busybox"});
    EXPECT_EQ(d.config()["AttachStdin"], false);
    EXPECT_EQ(d.config()["AttachStdout"], false);
    EXPECT_EQ(d.config()["StdinOnce"], false);
    EXPECT_EQ(d.config()["OpenStdin"], true);
    auto a = build({"-a", "stderr", "busybox"});
    EXPECT_EQ(a.config()["AttachStdout"], false);
    EXPECT_EQ(a.config()["AttachStderr"], true);
    EXPECT_THROW(build({"-a", "stdfoo", "busybox"}), Error);
    EXPECT_THROW(build({"-d", "-a", "stdout", "busybox"}), Error);
}

TEST(RunOptions, Resources) {
    auto b = build({"--memory", "64m", "--cpus", "1.5", "--pids-limit", "100", "--memory-swap",
                    "-1", "-c", "512", "--cpuset-cpus", "0-1", "--shm-size", "1g", "busybox"});
    EXPECT_EQ(b.host()["Memory"], 67108864);
    EXPECT_EQ(b.host()["NanoCpus"], 1500000000);
    EXPECT_EQ(b.host()["PidsLimit"], 100);
    EXPECT_EQ(b.host()["MemorySwap"], -1);
    EXPECT_EQ(b.host()["CpuShares"], 512);
    EXPECT_EQ(b.host()["CpusetCpus"], "0-1");
    EXPECT_EQ(b.host()["ShmSize"], 1073741824);
    EXPECT_EQ(build({"-m", "1.5g", "busybox"}).host()["Memory"], 1610612736);
    EXPECT_EQ(build({"--cpus", "0.000000001", "busybox"}).host()["NanoCpus"], 1);
    EXPECT_EQ(build({"--cpus", "2", "busybox"}).host()["NanoCpus"], 2000000000);
    EXPECT_THROW(build({"--cpus", "0.0000000001", "busybox"}), UsageError);
    EXPECT_THROW(build({"--cpus", "abc", "busybox"}), UsageError);
    EXPECT_THROW(build({"--memory", "64x", "busybox"}), UsageError);
}

TEST(RunOptions, Ulimits) {
    auto b = build({"--ulimit", "nofile=1024:2048", "--ulimit", "nproc=64", "busybox"});
    EXPECT_EQ(b.host()["Ulimits"][0], (Json{{"Name", "nofile"}, {"Hard", 2048}, {"Soft", 1024}}));
    EXPECT_EQ(b.host()["Ulimits"][1], (Json{{"Name", "nproc"}, {"Hard", 64}, {"Soft", 64}}));
    EXPECT_THROW(build({"--ulimit", "nofile=2048:1024", "busybox"}), Error);
    EXPECT_THROW(build({"--ulimit", "bogus=1", "busybox"}), Error);
    EXPECT_THROW(build({"--ulimit", "nofile", "busybox"}), Error);
}

TEST(RunOptions, RestartPolicies) {
    EXPECT_EQ(build({"--restart", "on-failure:3", "busybox"}).host()["RestartPolicy"],
              (Json{{"Name", "on-failure"}, {"MaximumRetryCount", 3}}));
    EXPECT_EQ(build({"--restart", "always", "busybox"}).host()["RestartPolicy"]["Name"], "always");
    EXPECT_EQ(build({"--restart", "unless-stopped", "busybox"}).host()["RestartPolicy"]["Name"],
              "unless-stopped");
    EXPECT_THROW(build({"--restart", "always:3", "busybox"}), Error);
    EXPECT_THROW(build({"--restart", "on-failure:x", "busybox"}), Error);
    EXPECT_THROW(build({"--restart", "sometimes", "busybox"}), Error);
    EXPECT_THROW(build({"--restart", "always", "--rm", "busybox"}), Error);
    EXPECT_NO_THROW(build({"--restart", "no", "--rm", "busybox"}));
    EXPECT_EQ(build({"--rm", "busybox"}).host()["AutoRemove"], true);
}

TEST(RunOptions, Tmpfs) {
    auto b = build({"--tmpfs", "/run:size=64k", "--tmpfs", "/tmp", "busybox"});
    EXPECT_EQ(b.host()["Tmpfs"], (Json{{"/run", "size=64k"}, {"/tmp", ""}}));
}

TEST(RunOptions, EnvironmentFromFlagsFilesAndTheCaller) {
    auto b = build({"-e", "A", "-e", "B=c", "-e", "UNSET", "--env-file", "f.env", "busybox"},
                   {{"A", "from-env"}, {"X", "x"}},
                   {{"f.env", "# comment\n\n  F=1\nX\nNOPE\nG=a b\r\n"}});
    EXPECT_EQ(b.config()["Env"],
              Json::array({"F=1", "X=x", "G=a b", "A=from-env", "B=c", "UNSET"}));
    EXPECT_THROW(build({"--env-file", "bad.env", "busybox"}, {}, {{"bad.env", "A B=1\n"}}), Error);
    EXPECT_THROW(build({"--env-file", "missing.env", "busybox"}), Error);
}

TEST(RunOptions, LabelsAndLabelFiles) {
    auto b =
        build({"-l", "a=1", "--label", "b", "--label-file", "l", "busybox"}, {}, {{"l", "c=3\n"}});
    EXPECT_EQ(b.config()["Labels"], (Json{{"c", "3"}, {"a", "1"}, {"b", ""}}));
}

TEST(RunOptions, Healthcheck) {
    auto b =
        build({"--health-cmd", "curl -f localhost", "--health-interval", "30s", "--health-timeout",
               "1m30s", "--health-retries", "3", "--health-start-period", "500ms", "busybox"});
    const Json& h = b.config()["Healthcheck"];
    EXPECT_EQ(h["Test"], Json::array({"CMD-SHELL", "curl -f localhost"}));
    EXPECT_EQ(h["Interval"], 30000000000LL);
    EXPECT_EQ(h["Timeout"], 90000000000LL);
    EXPECT_EQ(h["StartPeriod"], 500000000LL);
    EXPECT_EQ(h["Retries"], 3);
    EXPECT_FALSE(build({"busybox"}).config().contains("Healthcheck"));
    EXPECT_EQ(build({"--no-healthcheck", "busybox"}).config()["Healthcheck"]["Test"],
              Json::array({"NONE"}));
    EXPECT_THROW(build({"--no-healthcheck", "--health-cmd", "x", "busybox"}), Error);
    EXPECT_THROW(build({"--health-interval", "-1s", "busybox"}), Error);
    EXPECT_THROW(build({"--health-interval", "soon", "busybox"}), UsageError);
}

TEST(RunOptions, HealthStartInterval) {
    // API 1.44+: StartInterval, in nanoseconds like the other durations; alone it is enough
    // to send a Healthcheck (without Test: the image's test is kept).
    auto b = build({"--health-start-interval", "250ms", "busybox"});
    const Json& h = b.config()["Healthcheck"];
    EXPECT_EQ(h["StartInterval"], 250000000LL);
    EXPECT_FALSE(h.contains("Test"));
    EXPECT_EQ(build({"--health-cmd", "true", "busybox"}).config()["Healthcheck"]["StartInterval"], 0);
    EXPECT_THROW(build({"--no-healthcheck", "--health-start-interval", "1s", "busybox"}), Error);
    EXPECT_THROW(build({"--health-start-interval", "-1s", "busybox"}), Error);
}

TEST(RunOptions, Security) {
    auto b = build({"--security-opt", "seccomp=unconfined", "--security-opt", "no-new-privileges",
                    "--cap-add", "NET_ADMIN", "--cap-drop", "ALL", "--privileged", "--read-only",
                    "busybox"});
    EXPECT_EQ(b.host()["SecurityOpt"], Json::array({"seccomp=unconfined", "no-new-privileges"}));
    EXPECT_EQ(b.host()["CapAdd"], Json::array({"NET_ADMIN"}));
    EXPECT_EQ(b.host()["CapDrop"], Json::array({"ALL"}));
    EXPECT_EQ(b.host()["Privileged"], true);
    EXPECT_EQ(b.host()["ReadonlyRootfs"], true);
    auto p = build({"--security-opt", "seccomp=profile.json", "busybox"}, {},
                   {{"profile.json", "{ \"defaultAction\" : \"SCMP_ACT_ALLOW\" }"}});
    EXPECT_EQ(p.host()["SecurityOpt"],
              Json::array({"seccomp={\"defaultAction\":\"SCMP_ACT_ALLOW\"}"}));
    EXPECT_EQ(build({"--security-opt", "label:disable", "busybox"}).host()["SecurityOpt"],
              Json::array({"label=disable"}));
    EXPECT_THROW(build({"--security-opt", "bogus", "busybox"}), Error);
}

TEST(RunOptions, ProcessSettings) {
    auto b = build({"-w", "/srv", "-u", "1000:1000", "--entrypoint", "/bin/sh", "--hostname", "box",
                    "--stop-signal", "SIGINT", "--stop-timeout", "5", "--init", "--name", "web",
                    "--network", "none", "busybox"});
    EXPECT_EQ(b.config()["WorkingDir"], "/srv");
    EXPECT_EQ(b.config()["User"], "1000:1000");
    EXPECT_EQ(b.config()["Entrypoint"], Json::array({"/bin/sh"}));
    EXPECT_EQ(b.config()["Hostname"], "box");
    EXPECT_EQ(b.config()["StopSignal"], "SIGINT");
    EXPECT_EQ(b.config()["StopTimeout"], 5);
    EXPECT_EQ(b.host()["Init"], true);
    EXPECT_EQ(b.host()["NetworkMode"], "none");
    EXPECT_EQ(b.config()["NetworkingConfig"]["EndpointsConfig"], (Json{{"none", Json::object()}}));
    EXPECT_EQ(b.req.name, "web");
    EXPECT_EQ(build({"--entrypoint", "", "busybox"}).config()["Entrypoint"], Json::array({""}));
    EXPECT_EQ(build({"--init=false", "busybox"}).host()["Init"], false);
    EXPECT_EQ(build({"--network", "host", "busybox"}).host()["NetworkMode"], "host");
}

TEST(RunOptions, PortsVolumesDevices) {
    auto b = build({"-p", "8080:80", "-p", "127.0.0.1:53:53/udp", "-p", "9000", "-v",
                    "/host:/ctr:ro", "-v", "/anon", "--device", "/dev/fuse", "busybox"});
    EXPECT_EQ(b.config()["ExposedPorts"], (Json{{"80/tcp", Json::object()},
                                                {"53/udp", Json::object()},
                                                {"9000/tcp", Json::object()}}));
    EXPECT_EQ(b.host()["PortBindings"]["80/tcp"][0], (Json{{"HostIp", ""}, {"HostPort", "8080"}}));
    EXPECT_EQ(b.host()["PortBindings"]["53/udp"][0],
              (Json{{"HostIp", "127.0.0.1"}, {"HostPort", "53"}}));
    EXPECT_EQ(b.host()["Binds"], Json::array({"/host:/ctr:ro"}));
    EXPECT_EQ(b.config()["Volumes"], (Json{{"/anon", Json::object()}}));
    EXPECT_EQ(b.host()["Devices"][0], (Json{{"PathOnHost", "/dev/fuse"},
                                            {"PathInContainer", "/dev/fuse"},
                                            {"CgroupPermissions", "rwm"}}));
}

TEST(RunOptions, MountFlag) {
    auto b = build({"--mount", "type=bind,source=/a,target=/b,readonly", "--mount",
                    "type=tmpfs,dst=/t,tmpfs-size=1m,tmpfs-mode=1770", "--mount",
                    "type=bind,src=/c,target=/d,bind-propagation=rshared,bind-create-mountpoint=true",
                    "busybox"});
    EXPECT_EQ(b.host()["Mounts"][0],
              (Json{{"Type", "bind"}, {"Source", "/a"}, {"Target", "/b"}, {"ReadOnly", true}}));
    EXPECT_EQ(b.host()["Mounts"][1],
              (Json{{"Type", "tmpfs"},
                    {"Target", "/t"},
                    {"TmpfsOptions", {{"SizeBytes", 1 << 20}, {"Mode", 01770}}}}));
    EXPECT_EQ(b.host()["Mounts"][2]["BindOptions"],
              (Json{{"Propagation", "rshared"}, {"CreateMountpoint", true}}));
    EXPECT_FALSE(build({"busybox"}).host().contains("Mounts"));
    auto error = [&](const std::string& v) {
        try {
            build({"--mount", v, "busybox"});
        } catch (const Error& e) {
            return std::string(e.what());
        }
        return std::string("(no error)");
    };
    EXPECT_EQ(error("target=/x"), "invalid argument \"target=/x\" for \"--mount\" flag: type is required");
    EXPECT_EQ(error("type=bind,source=/a"),
              "invalid argument \"type=bind,source=/a\" for \"--mount\" flag: target is required");
    EXPECT_EQ(error("type=bind,target=/x,bogus=1"),
              "invalid argument \"type=bind,target=/x,bogus=1\" for \"--mount\" flag: unexpected key 'bogus' in 'bogus=1'");
    EXPECT_EQ(error("type=bind,target=/x,junk"),
              "invalid argument \"type=bind,target=/x,junk\" for \"--mount\" flag: invalid field 'junk' must be a key=value pair");
    EXPECT_EQ(error("type=tmpfs,target=/x,bind-propagation=shared"),
              "invalid argument \"type=tmpfs,target=/x,bind-propagation=shared\" for \"--mount\" flag: cannot mix "
              "'bind-*' options with mount type 'tmpfs'");
    EXPECT_EQ(error("type=tmpfs,target=/x,tmpfs-mode=9"),
              "invalid argument \"type=tmpfs,target=/x,tmpfs-mode=9\" for \"--mount\" flag: invalid value for tmpfs-mode: 9");
}

}  // namespace
}  // namespace berth::cli
