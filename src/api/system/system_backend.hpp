#pragma once
// What the system router needs from the engine, kept narrow so the router builds and is
// tested before the engine exists. The engine implements it; NullSystemBackend reports an
// empty host.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace berth::api {

struct ContainerCounts {
    int64_t total = 0;
    int64_t running = 0;
    int64_t paused = 0;
    int64_t stopped = 0;
};

class SystemBackend {
  public:
    virtual ~SystemBackend() = default;
    virtual ContainerCounts container_counts() = 0;
    virtual int64_t image_count() = 0;
    // GET /system/df's body: LayersSize, Images (with Containers counted), Containers (with
    // SizeRw and SizeRootFs), Volumes, BuildCache. Empty lists by default.
    virtual nlohmann::json disk_usage() {
        return {{"LayersSize", 0},
                {"Images", nlohmann::json::array()},
                {"Containers", nlohmann::json::array()},
                {"Volumes", nlohmann::json::array()},
                {"BuildCache", nlohmann::json::array()}};
    }
};

class NullSystemBackend final : public SystemBackend {
  public:
    ContainerCounts container_counts() override { return {}; }
    int64_t image_count() override { return 0; }
};

// The daemon's configuration as /info reports it.
struct SystemConfig {
    std::string id;         // persistent engine id
    std::string data_root;  // DockerRootDir
    std::string exec_root;
    bool debug = false;
    std::string default_runtime = "berth";
    std::map<std::string, std::string> runtimes;  // name -> path, besides the built-in "berth"
    std::vector<std::string> labels;
    std::string logging_driver = "json-file";  // the containers' default (--log-driver)
    std::vector<std::string> warnings;
    // daemon.json registry-mirrors and insecure-registries (host[:port] or CIDR), for
    // RegistryConfig.
    std::vector<std::string> registry_mirrors, insecure_registries;
    // What the host's cgroups lack beyond memory and swap (block I/O), in dockerd's words; /info
    // lists them after the memory ones, where dockerd does.
    std::vector<std::string> cgroup_warnings;
    bool live_restore = true;  // containers are parented by shims and outlive the daemon
};

}  // namespace berth::api
