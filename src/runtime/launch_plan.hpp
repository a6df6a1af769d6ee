#pragma once
// Everything the container's init needs between clone() and execve(), prepared by the
// parent: strings already joined, argv/envp arrays built, the seccomp program compiled,
// capability masks computed. The child reads this and calls syscalls; it allocates nothing.
#include <sys/types.h>

#include <string>
#include <vector>

#include "runtime/capabilities.hpp"
#include "runtime/cgroups/cgroup.hpp"
#include "runtime/seccomp/seccomp.hpp"
#include "runtime/spec.hpp"

namespace berth::runtime {

// An argv/envp style array that owns its strings.
struct CStringArray {
    std::vector<std::string> strings;
    std::vector<char*> pointers;  // nullptr terminated
    void assign(const std::vector<std::string>& values);
    char* const* data() const { return const_cast<char* const*>(pointers.data()); }
};

struct PlannedMount {
    enum class Kind { regular, bind, cgroup_v1_tree, cgroup2 };
    Kind kind = Kind::regular;
    std::string source;       // absolute host path for binds
    std::string destination;  // inside the rootfs, absolute
    std::string type;
    std::string data;
    unsigned long flags = 0;
    unsigned long propagation = 0;
    bool recursive = false;
    uint64_t rec_attr_set = 0;  // MOUNT_ATTR_* for mount_setattr(AT_RECURSIVE) ("rro", ...)
    uint64_t rec_attr_clr = 0;
    bool source_is_dir = true;  // binds: create a dir or an empty file at the destination
};

struct PlannedDevice {
    std::string path;  // inside the rootfs
    mode_t mode = 0;   // S_IFCHR|0666 ...
    dev_t dev = 0;
    uid_t uid = 0;
    gid_t gid = 0;
    std::string host_path;  // bind source when mknod is not allowed (user namespace)
};

struct ProcessPlan {
    CStringArray argv;
    CStringArray envp;
    std::string path_env;  // PATH to search for argv[0] inside the container
    std::string cwd;
    uid_t uid = 0;
    gid_t gid = 0;
    std::vector<gid_t> additional_gids;
    bool set_groups = true;  // false in a user namespace with setgroups denied
    int umask = -1;
    bool terminal = false;
    unsigned short rows = 0, cols = 0;
    struct Limit {
        int resource;
        unsigned long long soft, hard;
    };
    std::vector<Limit> rlimits;
    bool no_new_privileges = false;
    bool has_capabilities = false;
    CapabilityMasks caps;
    seccomp::Program seccomp;
    int console_fd = -1;  // unix socket to send the pty master over
    std::vector<std::string> cgroup_task_files;  // v1 "tasks" files the process moves itself into
    unsigned preserve_fds = 0;  // fds 3 .. 3+n-1 of the caller are passed on (runc --preserve-fds)
    // An LSM label for the program we exec: written to lsm_attr_path just before execve.
    std::string lsm_attr_path;
    std::string lsm_attr_value;
};

struct HookPlan {
    CStringArray argv;
    CStringArray envp;
    std::string path;
    int timeout = 0;
};

struct LaunchPlan {
    int clone_flags = 0;              // namespaces to create
    struct Join {
        int fd;
        int nstype;
    };
    std::vector<Join> joins;          // namespaces to enter in the child (not pid/time)
    bool new_user_ns = false;
    bool new_mount_ns = false;
    bool new_cgroup_ns = false;
    bool new_ipc_ns_as_root = false;  // unshared after becoming root in the new user namespace

    std::string rootfs;               // absolute host path
    bool readonly_root = false;
    bool no_pivot = false;
    unsigned long root_propagation = 0;
    // With a shared root propagation: the mount holding the rootfs, made private in the
    // child before pivot_root, which refuses a shared parent (runc's rootfsParentMountPrivate).
    std::string rootfs_parent_mount;
    std::string hostname, domainname;
    bool set_hostname = false, set_domainname = false;

    std::vector<PlannedMount> mounts;
    std::vector<cgroups::HierarchyDir> cgroup_hierarchies;  // v1: what a "cgroup" mount shows
    std::vector<PlannedDevice> devices;
    bool default_dev_symlinks = false;
    std::vector<std::string> masked_paths;
    std::vector<std::string> readonly_paths;
    std::vector<std::pair<std::string, std::string>> sysctls;  // /proc/sys/... path, value

    bool has_personality = false;
    unsigned long personality = 0;

    bool runtime_hooks = false;       // prestart/createRuntime: ask the parent
    std::vector<HookPlan> create_container_hooks;
    std::vector<HookPlan> start_container_hooks;

    ProcessPlan process;
    int exec_fifo_fd = -1;            // O_PATH fd of exec.fifo; -1: wait on the sync socket
    int sync_fd = -1;
};

struct PlanOptions {
    std::string bundle;
    bool no_pivot = false;
    int console_fd = -1;
    const cgroups::Cgroup* cgroup = nullptr;  // the container's cgroup (for "cgroup" mounts)
    unsigned preserve_fds = 0;
    std::string seccomp_cache_dir;  // compiled programs (seccomp/program_cache.hpp); "" = none
};

// Builds the plan; throws invalid_argument naming the config.json path of what is wrong.
void build_launch_plan(const Spec& spec, const PlanOptions& options, LaunchPlan& plan);
void build_process_plan(const Process& process, const Linux& linux, ProcessPlan& plan,
                        const std::string& seccomp_cache_dir = "");
HookPlan build_hook_plan(const Hook& hook);

}  // namespace berth::runtime
