// The bodies of GET /version and GET /info, in the shapes of the Engine API's SystemVersion
// and SystemInfo (engine-api/v1.47.yaml).
#include <dirent.h>

#include <chrono>
#include <ctime>

#include "common/time_format.hpp"
#include "api/api_version.hpp"
#include "api/system/system_router.hpp"

#ifndef BERTH_GIT_COMMIT
#define BERTH_GIT_COMMIT "unknown"
#endif
#ifndef BERTH_BUILD_TIME
#define BERTH_BUILD_TIME ""
#endif

namespace berth::api {

namespace {
using nlohmann::json;

int64_t count_dir_entries(const char* path) {
    DIR* d = ::opendir(path);
    if (!d) return 0;
    int64_t n = 0;
    while (dirent* e = ::readdir(d))
        if (e->d_name[0] != '.') ++n;
    ::closedir(d);
    return n - 1;  // the descriptor opendir itself holds
}

// dockerd's registry.ServiceConfig: loopback is always insecure; a CIDR in insecure-registries
// joins InsecureRegistryCIDRs, a host[:port] gets an IndexConfigs entry with Secure false.
json registry_config(const SystemConfig& c) {
    json cidrs = {"::1/128", "127.0.0.0/8"};
    json mirrors = json::array();
    for (const auto& m : c.registry_mirrors) mirrors.push_back(m.ends_with("/") ? m : m + "/");
    json index = {{"docker.io",
                   {{"Name", "docker.io"}, {"Mirrors", mirrors}, {"Secure", true}, {"Official", true}}}};
    for (const auto& r : c.insecure_registries) {
        if (r.find('/') != std::string::npos)
            cidrs.push_back(r);
        else
            index[r] = {{"Name", r}, {"Mirrors", json::array()}, {"Secure", false}, {"Official", false}};
    }
    return {{"AllowNondistributableArtifactsCIDRs", json::array()},
            {"AllowNondistributableArtifactsHostnames", json::array()},
            {"InsecureRegistryCIDRs", cidrs},
            {"IndexConfigs", index},
            {"Mirrors", mirrors}};
}

}  // namespace

json SystemRouter::version_json() const {
    std::string version = BERTH_VERSION;
    json details = {
        {"ApiVersion", std::string(kMaxApiVersionText)},
        {"Arch", host_.go_arch},
        {"BuildTime", BERTH_BUILD_TIME},
        {"Experimental", "false"},
        {"GitCommit", BERTH_GIT_COMMIT},
        {"GoVersion", "n/a"},
        {"KernelVersion", host_.kernel_version},
        {"MinAPIVersion", std::string(kMinApiVersionText)},
        {"Os", "linux"},
    };
    return {
        {"Platform", {{"Name", "berth " + version}}},
        {"Components",
         json::array({{{"Name", "Engine"}, {"Version", version}, {"Details", details}}})},
        {"Version", version},
        {"ApiVersion", std::string(kMaxApiVersionText)},
        {"MinAPIVersion", std::string(kMinApiVersionText)},
        {"GitCommit", BERTH_GIT_COMMIT},
        {"GoVersion", "n/a"},
        {"Os", "linux"},
        {"Arch", host_.go_arch},
        {"KernelVersion", host_.kernel_version},
        {"Experimental", false},
        {"BuildTime", BERTH_BUILD_TIME},
    };
}

json SystemRouter::info_json() const {
    ContainerCounts c = backend_.container_counts();
    json runtimes = {{"berth", {{"path", "berth-runtime"}}}};
    for (const auto& [name, path] : config_.runtimes) runtimes[name] = {{"path", path}};
    json warnings = json::array();
    for (const auto& w : config_.warnings) warnings.push_back(w);
    if (!host_.memory_limit) warnings.push_back("WARNING: No memory limit support");
    if (!host_.swap_limit) warnings.push_back("WARNING: No swap limit support");
    for (const auto& w : config_.cgroup_warnings) warnings.push_back(w);
    return {
        {"ID", config_.id},
        {"Containers", c.total},
        {"ContainersRunning", c.running},
        {"ContainersPaused", c.paused},
        {"ContainersStopped", c.stopped},
        {"Images", backend_.image_count()},
        {"Driver", "overlay2"},
        {"DriverStatus", json::array({json::array({"Backing Filesystem", "overlayfs upper dirs"}),
                                      json::array({"Supports d_type", "true"})})},
        {"DockerRootDir", config_.data_root},
        {"Plugins",
         {{"Volume", {"local"}},
          {"Network", {"bridge", "host", "none"}},
          {"Authorization", nullptr},
          {"Log", {"json-file", "none"}}}},
        {"MemoryLimit", host_.memory_limit},
        {"SwapLimit", host_.swap_limit},
        {"KernelMemoryTCP", false},
        {"CpuCfsPeriod", host_.cpu_cfs},
        {"CpuCfsQuota", host_.cpu_cfs},
        {"CPUShares", host_.cpu_shares},
        {"CPUSet", host_.cpuset},
        {"PidsLimit", host_.pids_limit},
        {"OomKillDisable", false},
        {"IPv4Forwarding", host_.ipv4_forwarding},
        {"BridgeNfIptables", false},
        {"BridgeNfIp6tables", false},
        {"Debug", config_.debug},
        {"NFd", count_dir_entries("/proc/self/fd")},
        {"NGoroutines", count_dir_entries("/proc/self/task") + 1},
        {"SystemTime", rfc3339_nano_now()},
        {"LoggingDriver", config_.logging_driver},
        {"CgroupDriver", "cgroupfs"},
        {"CgroupVersion", host_.cgroup_version},
        {"NEventsListener", events_.subscriber_count()},
        {"KernelVersion", host_.kernel_version},
        {"OperatingSystem", host_.operating_system},
        {"OSVersion", host_.os_version},
        {"OSType", "linux"},
        {"Architecture", host_.architecture},
        {"NCPU", host_.ncpu},
        {"MemTotal", host_.mem_total},
        {"IndexServerAddress", "https://index.docker.io/v1/"},
        {"RegistryConfig", registry_config(config_)},
        {"GenericResources", nullptr},
        {"HttpProxy", ""},
        {"HttpsProxy", ""},
        {"NoProxy", ""},
        {"Name", host_.hostname},
        {"Labels", config_.labels},
        {"ExperimentalBuild", false},
        {"ServerVersion", BERTH_VERSION},
        {"Runtimes", runtimes},
        {"DefaultRuntime", config_.default_runtime},
        {"Swarm",
         {{"NodeID", ""},
          {"NodeAddr", ""},
          {"LocalNodeState", "inactive"},
          {"ControlAvailable", false},
          {"Error", ""},
          {"RemoteManagers", nullptr}}},
        {"LiveRestoreEnabled", config_.live_restore},
        {"Isolation", ""},
        {"InitBinary", ""},
        {"ContainerdCommit", {{"ID", ""}}},
        {"RuncCommit", {{"ID", ""}}},
        {"InitCommit", {{"ID", ""}}},
        // What is applied: Docker's profile is built in (the build fails without it); a private
        // cgroup namespace is the default only on cgroup v2, as with dockerd.
        {"SecurityOptions", host_.cgroup_version == "2" ? json::array({"name=seccomp,profile=builtin", "name=cgroupns"})
                                                        : json::array({"name=seccomp,profile=builtin"})},
        {"CDISpecDirs", json::array()},
        {"Warnings", warnings},
    };
}

}  // namespace berth::api
