#pragma once
// Container records of the runtime: <root>/<id>/state.json (+ config.json copy, exec.fifo).
// Written atomically; the status is derived from the live process, never stored.
#include <sys/types.h>

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/json_reader.hpp"

namespace berth::runtime {

struct ContainerRecord {
    std::string id;
    pid_t pid = 0;                    // 0 while `create` is still setting up
    unsigned long long pid_start = 0; // /proc/<pid>/stat starttime: guards against pid reuse
    pid_t creator = 0;                // the `create` process, while pid == 0
    std::string bundle;
    std::string rootfs;
    std::string created;              // RFC 3339 with nanoseconds
    std::string owner;
    std::string cgroup_path;          // linux.cgroupsPath as configured
    std::string creator_cgroups;      // /proc/self/cgroup of `create`: resolves a relative cgroup_path
    std::map<std::string, std::string> annotations;

    Json to_json() const;
    static ContainerRecord from_json(const Json& json, const std::string& doc);
};

class StateStore {
public:
    explicit StateStore(std::string root) : root_(std::move(root)) {}
    const std::string& root() const { return root_; }
    std::string dir(const std::string& id) const { return root_ + "/" + id; }
    // Compiled seccomp programs (seccomp/program_cache.hpp); a dot name, so never an id here.
    std::string seccomp_cache_dir() const { return root_ + "/.seccomp-cache"; }

    // Validates the id (letters, digits, '_', '+', '-', '.'; not "." or "..").
    static void validate_id(const std::string& id);
    // Creates <root>/<id>; conflict when it exists.
    void create_dir(const std::string& id) const;
    void save(const ContainerRecord& record) const;
    // not_found: `container "x" does not exist`.
    ContainerRecord load(const std::string& id) const;
    std::vector<std::string> ids() const;
    void remove(const std::string& id) const;

private:
    std::string root_;
};

// Process start time from /proc/<pid>/stat, 0 when the process is gone or a zombie.
unsigned long long process_start_time(pid_t pid);
// True when pid is alive and is the same process (start time matches).
bool process_alive(pid_t pid, unsigned long long start_time);
// Returns once that process is gone (woken by its exit through a pidfd, no polling), or
// after timeout_ms. Any process, not only a child.
void wait_process_gone(pid_t pid, unsigned long long start_time, int timeout_ms);

}  // namespace berth::runtime
