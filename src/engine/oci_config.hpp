#pragma once
// The OCI config.json of a container, from its (image-merged) ContainerConfig and HostConfig,
// as Docker's daemon/oci_linux.go builds it. One file per concern:
//   oci_config.cpp            assembly, namespaces, hostname, root
//   oci_config_process.cpp    args, env, cwd, user, rlimits, tty
//   oci_config_mounts.cpp     Docker's default mounts, /etc files, shm, tmpfs, init
//   oci_config_security.cpp   capabilities, privileged, seccomp, masked paths, devices
//   oci_config_resources.cpp  memory, cpu, pids, blkio -> linux.resources
#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "common/json_reader.hpp"
#include "engine/namespace_modes.hpp"
#include "engine/user_lookup.hpp"

namespace berth::engine {

// /dev/shm's size without HostConfig.ShmSize, as Docker.
constexpr int64_t kDefaultShmSize = 64 * 1024 * 1024;

struct OciInputs {
    std::string id;
    Json config;                  // ContainerConfig, merged with the image's (container_config.hpp)
    Json host_config;             // HostConfig as created (null members allowed)
    std::string rootfs;           // host path of the mounted rootfs
    std::string container_dir;    // hosts, hostname, resolv.conf live here
    std::string init_path;        // berth-init on the host (HostConfig.Init)
    Json seccomp_profile;         // Docker-format default profile; null: none available
    std::string arch = "amd64";
    bool cgroup_v2 = false;       // private cgroup namespace by default, as Docker on v2
    ResolvedUser user;            // from the rootfs's /etc/passwd and /etc/group
    bool read_only_binds_non_recursive = false;  // Container::read_only_binds_non_recursive
    // Asked only when a read-only bind wants to be read-only recursively: "" when the runtime
    // and kernel can ("rro"), else why not (ContainerRuntime::recursive_read_only_unsupported).
    // Unset: supported.
    std::function<std::string()> recursive_read_only_unsupported;
    // The running container whose namespace this one joins (--network, --pid, --ipc
    // container:X; namespace_modes.hpp). Unset: joining is refused.
    JoinContainer join;
};

// Throws invalid_argument with Docker's messages for bad combinations.
Json build_oci_config(const OciInputs& in);

// Parts, exposed for tests.
Json oci_process(const OciInputs& in, const std::vector<std::string>& capabilities);
Json oci_mounts(const OciInputs& in);
Json oci_resources(const Json& host_config);
// Devices, masked/readonly paths, seccomp and the privileged variants into spec/linux.
// moby's oci.DefaultSpec() lists, which a non-privileged container records at create.
std::vector<std::string> default_masked_paths();
std::vector<std::string> default_readonly_paths();
void apply_security(const OciInputs& in, const std::vector<std::string>& capabilities, Json& spec, Json& linux);
// The final capability list (CAP_ names) after CapAdd/CapDrop/Privileged.
std::vector<std::string> container_capabilities(const Json& host_config);
// A ulimit (HostConfig.Ulimits entry or the daemon's default-ulimits): a known name ("nofile"),
// soft <= hard. invalid_argument with Docker's words.
void check_ulimit(const std::string& name, int64_t soft, int64_t hard);
std::vector<std::string> all_capabilities();
// Docker's process env: PATH default, HOSTNAME, TERM with a tty, then Config.Env.
std::vector<std::string> process_env(const Json& config, const std::string& hostname);
std::string container_hostname(const OciInputs& in);

// SecurityOpt parsed: no-new-privileges, seccomp=unconfined|<profile JSON or path>.
struct SecurityOptions {
    bool no_new_privileges = false;
    bool seccomp_unconfined = false;
    std::optional<Json> seccomp_profile;
};
SecurityOptions parse_security_options(const Json& host_config);

// Helpers over optional JSON members.
int64_t json_int(const Json& object, const char* key, int64_t fallback = 0);
bool json_bool(const Json& object, const char* key, bool fallback = false);
std::string json_string(const Json& object, const char* key, const std::string& fallback = "");
std::vector<std::string> json_strings(const Json& object, const char* key);

}  // namespace berth::engine
