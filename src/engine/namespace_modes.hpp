#pragma once
// A container's namespaces from HostConfig's NetworkMode, PidMode, IpcMode, UTSMode and
// CgroupnsMode, as moby's WithNamespaces: a new namespace each (private), none ("host": the
// host's), or another running container's ("container:<name|id>", joined by
// /proc/<pid>/ns/<kind>). Checked at create with moby's messages.
#include <sys/types.h>

#include <functional>
#include <string>

#include "common/json_reader.hpp"

namespace berth::engine {

// NetworkMode by name: "bridge" for an empty or "default" one.
std::string network_mode(const Json& host_config);

// invalid_argument with moby's words for a mode that is not one of Docker's ("invalid IPC
// mode: x") and for the conflicts runconfig refuses (a hostname with --uts host or with
// another container's network).
void check_namespace_modes(const Json& config, const Json& host_config);

// The running container `name_or_id` whose `kind` namespace ("network", "PID", "IPC") a
// container joins: its init pid and its container dir. The lookup throws moby's error when
// it is missing, not running or (IPC) not shareable. Provided by the container manager.
struct JoinedContainer {
    pid_t pid = 0;
    std::string dir;
};
using JoinContainer =
    std::function<JoinedContainer(const std::string& kind, const std::string& name_or_id)>;

struct NamespacePlan {
    Json namespaces = Json::array();  // OCI linux.namespaces
    bool host_network = false;
    pid_t network_donor = 0;    // --network container:X: X's pid (its /etc files are shared)
    std::string ipc_donor_dir;  // --ipc container:X: X's container dir (its /dev/shm is shared)
    std::string ipc_mode;       // "", "private", "shareable", "none", "host", "container:..."
};

// `cgroup_v2`: a private cgroup namespace by default, as Docker on cgroup v2.
NamespacePlan plan_namespaces(const Json& host_config, bool cgroup_v2, const JoinContainer& join);

}  // namespace berth::engine
