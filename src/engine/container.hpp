#pragma once
// The engine's record of one container: what `inspect` shows and what survives a daemon
// restart (stored as JSON in the containers table, container_store.hpp).
#include <sys/types.h>

#include <string>
#include <vector>

#include "common/json_reader.hpp"

namespace berth::engine {

constexpr const char* kZeroTime = "0001-01-01T00:00:00Z";

struct ContainerState {
    std::string status = "created";  // created running paused restarting removing exited dead
    pid_t pid = 0;
    int exit_code = 0;
    std::string error;
    std::string started_at = kZeroTime;
    std::string finished_at = kZeroTime;
    bool oom_killed = false;
    std::string health;  // "", starting, healthy, unhealthy
    int failing_streak = 0;
    Json health_log = Json::array();

    bool running() const { return status == "running" || status == "paused"; }
};

struct Container {
    std::string id;
    std::string name;     // with the leading "/"
    std::string created;  // RFC 3339 nano
    std::string image;    // as the request named it
    std::string image_id; // "sha256:..."
    std::string top_layer;  // chain id of the image's top layer ("sha256:..."), empty for none
    std::string path;
    std::vector<std::string> args;
    Json config;       // merged ContainerConfig
    Json host_config;  // HostConfig as given (defaults filled)
    ContainerState state;
    int restart_count = 0;
    bool manually_stopped = false;
    bool has_been_started = false;
    pid_t shim_pid = 0;
    unsigned long long shim_start = 0;  // /proc start time: pid reuse guard
    std::string log_path;
    // Created through API < 1.44: read-only binds are read-only on their top mount only
    // (Docker before 25); later clients get recursively read-only binds.
    bool read_only_binds_non_recursive = false;

    Json to_json() const;
    static Container from_json(const Json& json);
};

}  // namespace berth::engine
