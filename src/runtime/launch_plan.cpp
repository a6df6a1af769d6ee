#include "runtime/launch_plan.hpp"

#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/personality.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>

#include "common/error.hpp"
#include "runtime/mount_parent.hpp"
#include "runtime/passwd.hpp"
#include "runtime/seccomp/program_cache.hpp"

namespace berth::runtime {

namespace {

constexpr const char* kDefaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

[[noreturn]] void fail(const std::string& where, const std::string& problem) {
    throw Error(Errc::invalid_argument, "config.json: " + where + ": " + problem);
}

std::string absolute_in_bundle(const std::string& bundle, const std::string& path) {
    if (!path.empty() && path[0] == '/') return path;
    return bundle + "/" + path;
}

// Which namespace a sysctl needs (runc's validation): nullptr when any host value is fine to set.
const char* sysctl_namespace(const std::string& key) {
    static const char* kIpc[] = {"kernel.msgmax", "kernel.msgmnb", "kernel.msgmni", "kernel.sem",
                                 "kernel.shmall", "kernel.shmmax", "kernel.shmmni", "kernel.shm_rmid_forced"};
    for (const char* k : kIpc) {
        if (key == k) return "ipc";
    }
    if (key.rfind("fs.mqueue.", 0) == 0) return "ipc";
    if (key.rfind("net.", 0) == 0) return "network";
    if (key == "kernel.hostname" || key == "kernel.domainname") return "uts";
    return "";
}

void add_default_devices(LaunchPlan& plan) {
    struct {
        const char* path;
        unsigned major, minor;
    } defaults[] = {{"/dev/null", 1, 3},    {"/dev/zero", 1, 5},    {"/dev/full", 1, 7},
                    {"/dev/random", 1, 8},  {"/dev/urandom", 1, 9}, {"/dev/tty", 5, 0}};
    for (const auto& d : defaults) {
        PlannedDevice dev;
        dev.path = d.path;
        dev.mode = S_IFCHR | 0666;
        dev.dev = makedev(d.major, d.minor);
        dev.host_path = d.path;
        plan.devices.push_back(std::move(dev));
    }
}

bool file_says_yes(const char* path) {
    char c = 0;
    int fd = ::open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return false;
    bool yes = ::read(fd, &c, 1) == 1 && (c == 'Y' || c == '1');
    ::close(fd);
    return yes;
}

// AppArmor profiles and SELinux labels apply where the host runs that LSM; elsewhere they are
// ignored with a warning, as the runtime spec allows.
void plan_lsm_label(const Process& p, ProcessPlan& plan) {
    if (!p.apparmor_profile.empty()) {
        if (file_says_yes("/sys/module/apparmor/parameters/enabled")) {
            plan.lsm_attr_path = ::access("/proc/self/attr/apparmor/exec", F_OK) == 0 ? "/proc/self/attr/apparmor/exec"
                                                                                     : "/proc/self/attr/exec";
            plan.lsm_attr_value = "exec " + p.apparmor_profile;
        } else {
            std::fprintf(stderr, "berth-runtime: warning: process.apparmorProfile \"%s\" ignored: AppArmor is not enabled on this host\n",
                         p.apparmor_profile.c_str());
        }
    }
    if (!p.selinux_label.empty()) {
        if (::access("/sys/fs/selinux/enforce", F_OK) == 0) {
            plan.lsm_attr_path = "/proc/self/attr/exec";
            plan.lsm_attr_value = p.selinux_label;
        } else {
            std::fprintf(stderr, "berth-runtime: warning: process.selinuxLabel \"%s\" ignored: SELinux is not enabled on this host\n",
                         p.selinux_label.c_str());
        }
    }
}

}  // namespace

void CStringArray::assign(const std::vector<std::string>& values) {
    strings = values;
    pointers.clear();
    for (auto& s : strings) pointers.push_back(s.data());
    pointers.push_back(nullptr);
}

HookPlan build_hook_plan(const Hook& hook) {
    HookPlan h;
    h.path = hook.path;
    h.argv.assign(hook.args.empty() ? std::vector<std::string>{hook.path} : hook.args);
    h.envp.assign(hook.env);
    h.timeout = hook.timeout.value_or(0);
    return h;
}

void build_process_plan(const Process& p, const Linux& linux, ProcessPlan& plan, const std::string& seccomp_cache_dir) {
    plan.argv.assign(p.args);
    plan.envp.assign(p.env);
    plan.path_env = kDefaultPath;
    for (const auto& e : p.env) {
        if (e.rfind("PATH=", 0) == 0) plan.path_env = e.substr(5);
    }
    plan.cwd = p.cwd;
    plan.uid = p.user.uid;
    plan.gid = p.user.gid;
    plan.additional_gids.assign(p.user.additional_gids.begin(), p.user.additional_gids.end());
    plan.umask = p.user.umask ? static_cast<int>(*p.user.umask) : -1;
    plan.terminal = p.terminal;
    if (p.console_size) {
        plan.rows = static_cast<unsigned short>(p.console_size->height);
        plan.cols = static_cast<unsigned short>(p.console_size->width);
    }
    plan.rlimits.clear();
    for (const auto& r : p.rlimits) plan.rlimits.push_back({r.resource, r.soft, r.hard});
    plan.no_new_privileges = p.no_new_privileges;
    plan.has_capabilities = true;
    plan.caps = p.capabilities ? capability_masks(*p.capabilities) : CapabilityMasks{};
    if (linux.seccomp) plan.seccomp = seccomp::compile_cached(*linux.seccomp, seccomp_cache_dir);
    // In a user namespace whose gid map was written without setgroups, setgroups() fails.
    plan.set_groups = true;
    plan_lsm_label(p, plan);
}

void build_launch_plan(const Spec& spec, const PlanOptions& options, LaunchPlan& plan) {
    if (!spec.process) fail("process", "required but missing");
    const Linux& linux = spec.linux;

    for (size_t i = 0; i < linux.namespaces.size(); ++i) {
        const Namespace& ns = linux.namespaces[i];
        if (ns.path.empty()) {
            plan.clone_flags |= ns.clone_flag;
        } else if (ns.type == "pid" || ns.type == "time" || ns.type == "user") {
            // Entered by the parent before clone (see container_create.cpp).
        } else {
            int fd = ::open(ns.path.c_str(), O_RDONLY | O_CLOEXEC);
            if (fd < 0) {
                fail("linux.namespaces[" + std::to_string(i) + "].path",
                     "cannot open " + ns.type + " namespace " + ns.path + ": " + std::strerror(errno));
            }
            plan.joins.push_back({fd, ns.clone_flag});
        }
    }
    plan.new_user_ns = plan.clone_flags & CLONE_NEWUSER;
    plan.new_mount_ns = plan.clone_flags & CLONE_NEWNS;
    plan.new_cgroup_ns = plan.clone_flags & CLONE_NEWCGROUP;
    // The cgroup namespace is created after the parent has moved us into our cgroup.
    plan.clone_flags &= ~CLONE_NEWCGROUP;
    // An IPC namespace made together with a new user namespace belongs to the overflow uid
    // (its mqueue root shows nobody:nogroup); made after setuid(0) inside, it is root's, as runc.
    if (plan.new_user_ns && (plan.clone_flags & CLONE_NEWIPC)) {
        plan.clone_flags &= ~CLONE_NEWIPC;
        plan.new_ipc_ns_as_root = true;
    }

    std::string root = absolute_in_bundle(options.bundle, spec.root.path);
    char resolved[PATH_MAX];
    if (!::realpath(root.c_str(), resolved)) fail("root.path", root + ": " + std::strerror(errno));
    struct stat st {};
    if (::stat(resolved, &st) < 0 || !S_ISDIR(st.st_mode)) fail("root.path", root + " is not a directory");
    plan.rootfs = resolved;
    plan.readonly_root = spec.root.readonly;
    plan.no_pivot = options.no_pivot;
    plan.root_propagation = linux.rootfs_propagation_flags ? linux.rootfs_propagation_flags : (MS_SLAVE | MS_REC);
    // Only a shared propagation leaves that mount shared in the child (slave and private
    // take "shared" away); only then is mountinfo worth reading.
    if (plan.root_propagation & MS_SHARED) plan.rootfs_parent_mount = mount_of(plan.rootfs).mount_point;

    if (!spec.hostname.empty()) {
        plan.hostname = spec.hostname;
        plan.set_hostname = true;
    }
    if (!spec.domainname.empty()) {
        if (!linux.find_namespace("uts")) fail("domainname", "setting the domainname needs a uts namespace");
        plan.domainname = spec.domainname;
        plan.set_domainname = true;
    }

    // No v1 hierarchies: a cgroup2 host, whose "cgroup" mount is the container's cgroup2 dir.
    bool cgroup2 = options.cgroup && options.cgroup->hierarchy_dirs().empty();
    bool dev_is_tmpfs = false;
    for (size_t i = 0; i < spec.mounts.size(); ++i) {
        const Mount& m = spec.mounts[i];
        std::string where = "mounts[" + std::to_string(i) + "]";
        if (!plan.new_mount_ns && linux.find_namespace("mount") == nullptr) {
            fail(where, "mounts need a mount namespace in linux.namespaces");
        }
        PlannedMount pm;
        pm.destination = m.destination;
        pm.type = m.type;
        pm.data = m.data;
        pm.flags = m.flags;
        pm.propagation = m.propagation;
        pm.recursive = m.recursive;
        pm.rec_attr_set = m.rec_attr_set;
        pm.rec_attr_clr = m.rec_attr_clr;
        if (m.bind) {
            pm.kind = PlannedMount::Kind::bind;
            pm.source = absolute_in_bundle(options.bundle, m.source);
            struct stat sst {};
            if (::stat(pm.source.c_str(), &sst) < 0) {
                fail(where + ".source", "bind source " + pm.source + ": " + std::strerror(errno));
            }
            pm.source_is_dir = S_ISDIR(sst.st_mode);
        } else if (m.type == "cgroup" || m.type == "cgroup2") {
            if (!options.cgroup) fail(where, "a cgroup mount needs the container's cgroup");
            if (cgroup2) {
                pm.kind = PlannedMount::Kind::cgroup2;
                pm.source = options.cgroup->clone_into_dir();
            } else {
                pm.kind = PlannedMount::Kind::cgroup_v1_tree;
                if (plan.cgroup_hierarchies.empty()) plan.cgroup_hierarchies = options.cgroup->hierarchy_dirs();
            }
        } else {
            pm.source = m.source.empty() ? m.type : m.source;
        }
        if (m.destination == "/dev" && !m.bind) dev_is_tmpfs = true;
        plan.mounts.push_back(std::move(pm));
    }
    if (dev_is_tmpfs) {
        add_default_devices(plan);
        plan.default_dev_symlinks = true;
    }
    for (size_t i = 0; i < linux.devices.size(); ++i) {
        const Device& d = linux.devices[i];
        PlannedDevice dev;
        dev.path = d.path;
        mode_t type = d.type == 'b' ? S_IFBLK : d.type == 'p' ? S_IFIFO : S_IFCHR;
        dev.mode = type | (d.file_mode ? (*d.file_mode & 07777) : 0666);
        dev.dev = makedev(static_cast<unsigned>(d.major), static_cast<unsigned>(d.minor));
        dev.uid = d.uid.value_or(0);
        dev.gid = d.gid.value_or(0);
        dev.host_path = d.path;
        // A later entry for the same path replaces a default one.
        std::erase_if(plan.devices, [&](const PlannedDevice& x) { return x.path == dev.path; });
        plan.devices.push_back(std::move(dev));
    }

    plan.masked_paths = linux.masked_paths;
    plan.readonly_paths = linux.readonly_paths;
    for (const auto& [key, value] : linux.sysctl) {
        std::string ns = sysctl_namespace(key);
        if (!ns.empty() && (!linux.find_namespace(ns) || !linux.find_namespace(ns)->path.empty())) {
            if (!linux.find_namespace(ns)) fail("linux.sysctl." + key, "needs a new " + ns + " namespace");
        }
        if (key.find("..") != std::string::npos || key.find('/') != std::string::npos) {
            fail("linux.sysctl." + key, "invalid sysctl name");
        }
        std::string path = "/proc/sys/" + key;
        for (size_t i = 10; i < path.size(); ++i) {
            if (path[i] == '.') path[i] = '/';
        }
        plan.sysctls.emplace_back(path, value);
    }

    if (linux.personality) {
        plan.has_personality = true;
        plan.personality = linux.personality->domain == "LINUX32" ? PER_LINUX32 : PER_LINUX;
    }

    plan.runtime_hooks = !spec.hooks.prestart.empty() || !spec.hooks.create_runtime.empty();
    for (const auto& h : spec.hooks.create_container) plan.create_container_hooks.push_back(build_hook_plan(h));
    for (const auto& h : spec.hooks.start_container) plan.start_container_hooks.push_back(build_hook_plan(h));

    Process process = *spec.process;
    add_default_home(process.env, plan.rootfs, process.user.uid);
    build_process_plan(process, linux, plan.process, options.seccomp_cache_dir);
    plan.process.console_fd = options.console_fd;
    plan.process.preserve_fds = options.preserve_fds;
    if (!linux.mount_label.empty() && ::access("/sys/fs/selinux/enforce", F_OK) != 0) {
        std::fprintf(stderr, "berth-runtime: warning: linux.mountLabel ignored: SELinux is not enabled on this host\n");
    }
    if (plan.process.terminal && options.console_fd < 0) {
        fail("process.terminal", "a terminal needs --console-socket (or run it without a terminal)");
    }
    if (plan.new_user_ns) {
        if (linux.uid_mappings.empty() || linux.gid_mappings.empty()) {
            fail("linux.uidMappings", "a new user namespace needs uidMappings and gidMappings");
        }
    }
}

}  // namespace berth::runtime
