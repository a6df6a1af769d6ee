#pragma once
// One interface over cgroup v1, v2 and hybrid hosts. The kind of host is detected at
// run time from the mounts under the cgroup root; tests point `root` at a fake tree.
#include <sys/types.h>

#include <memory>
#include <string>
#include <vector>

#include "common/json_reader.hpp"
#include "runtime/spec.hpp"

namespace berth::runtime::cgroups {

enum class Mode { v1, v2, hybrid };

struct Host {
    Mode mode = Mode::v2;
    std::string root = "/sys/fs/cgroup";  // where hierarchies are mounted
};

// Reads /proc/self/mountinfo (or looks at `root` for a fake tree) to tell v1, v2, hybrid.
Host detect(const std::string& root = "/sys/fs/cgroup");

// A v1 hierarchy as the container's own "cgroup" mount shows it.
struct HierarchyDir {
    std::string name;     // its directory under /sys/fs/cgroup: "memory", "cpu,cpuacct", "systemd"
    std::string options;  // cgroup mount data: "memory", "cpu,cpuacct", "none,name=systemd"
    std::string dir;      // the container's cgroup in it, on the host
};

class Cgroup {
public:
    virtual ~Cgroup() = default;

    // Creates the cgroup directories (every v1 hierarchy, or the v2 dir with the needed
    // controllers enabled in the parents' cgroup.subtree_control). Existing dirs are fine.
    virtual void create() = 0;
    // Writes every resource that is set. Errors name the file and the value.
    virtual void apply(const Resources& resources) = 0;
    virtual void add_process(pid_t pid) = 0;
    // Every pid in the cgroup and its descendants.
    virtual std::vector<pid_t> pids() const = 0;
    virtual void freeze() = 0;  // returns once the cgroup is frozen
    virtual void thaw() = 0;
    virtual bool frozen() const = 0;
    // Usage figures in the shape of `runc events --stats` "data" (cpu, memory, pids, blkio, hugetlb).
    virtual Json stats() const = 0;
    // Removes the directories; the cgroup must be empty (callers kill first). Missing dirs are fine.
    virtual void destroy() = 0;
    // The cgroup path relative to the hierarchy roots, e.g. "/berth/abc".
    virtual const std::string& path() const = 0;

    // Joining without a migration, for a process that is being started. Moving another
    // process in (add_process) takes the kernel's global threadgroup lock, whose first writer
    // waits an RCU grace period (~10 ms here). Instead: a single thread writing "0" to a v1
    // "tasks" file moves itself without that lock (Linux 6.1+), and clone3(CLONE_INTO_CGROUP)
    // starts a child directly inside a cgroup2 directory.
    // The v1 "tasks" files the new process writes "0" to itself.
    virtual std::vector<std::string> self_join_files() const = 0;
    // The cgroup2 directory to clone into; "" when there is none.
    virtual std::string clone_into_dir() const = 0;
    // v1 and hybrid: one entry per v1 hierarchy; v2: none.
    virtual std::vector<HierarchyDir> hierarchy_dirs() const = 0;
};

// `cgroups_path` is linux.cgroupsPath: absolute paths are taken from the hierarchy roots,
// relative ones below the caller's own cgroup; empty means "/berth/<id>".
std::unique_ptr<Cgroup> open(const Host& host, const std::string& cgroups_path, const std::string& id);
// The same with the host detected in the same pass over /proc/self/mountinfo. A relative
// cgroups_path is resolved against `creator_cgroups` (/proc/self/cgroup text of the process
// that created the container) when given, so any later caller finds the same directories.
std::unique_ptr<Cgroup> open(const std::string& cgroups_path, const std::string& id,
                             const std::string& creator_cgroups = "");

}  // namespace berth::runtime::cgroups
