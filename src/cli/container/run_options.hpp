#pragma once
// The flags of `run` and `create` and their mapping to the ContainerCreate request (Config,
// HostConfig, NetworkingConfig) as docker/cli's opts.parse does it: a pure function, so the
// mapping is tested without a daemon.
#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "cli/container/container_opts.hpp"

namespace berth::cli {

class FlagSet;

struct RunOptions {
    bool disable_content_trust = true;  // docker's flag; berth verifies no signatures
    bool detach = false, interactive = false, tty = false, rm = false, privileged = false,
         read_only = false, init = false, no_healthcheck = false, publish_all = false,
         sig_proxy = true, quiet = false;
    std::string name, workdir, user, entrypoint, restart, memory, memory_swap, memory_reservation,
        cpus, cpuset_cpus, hostname, domainname,
        network = "default", stop_signal, health_cmd, health_interval, health_timeout,
        health_start_period, health_start_interval, platform, pull = "missing", detach_keys, log_driver, shm_size, pid,
        ipc, uts, cgroupns, runtime, userns, cidfile;
    int64_t pids_limit = 0, stop_timeout = 0, health_retries = 0, cpu_shares = 0, oom_score_adj = 0,
            cpu_period = 0, cpu_quota = 0;
    std::vector<std::string> env, env_file, labels, label_file, attach, ulimits, cap_add, cap_drop,
        security_opt, tmpfs, volumes, publish, expose, log_opts, sysctls, devices, add_hosts, dns,
        dns_search, dns_options, group_add, mounts;
    // Names of the flags the user gave (Docker sends some fields only when set: --init,
    // --pids-limit, --stop-timeout, --entrypoint "").
    std::set<std::string> changed;
};

void register_run_flags(FlagSet& flags, RunOptions& options, bool is_run);
// Copies the FlagSet's "changed" state into options.changed.
void record_changed(const FlagSet& flags, RunOptions& options);

struct CreateRequest {
    std::string name;      // ?name=
    std::string platform;  // ?platform=
    std::string image;
    Json body;
};

// `args` are the positionals: IMAGE [COMMAND] [ARG...]. Throws invalid_argument/UsageError.
CreateRequest build_create_request(const RunOptions& options, const std::vector<std::string>& args,
                                   const EnvLookup& env_lookup, const FileReader& read_file);

}  // namespace berth::cli
