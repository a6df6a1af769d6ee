// exec: a new process inside a running container's namespaces and cgroup.
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "common/error.hpp"
#include "common/file_util.hpp"
#include "common/unique_fd.hpp"
#include "runtime/capabilities.hpp"
#include "runtime/cgroups/cgroup.hpp"
#include "runtime/child_util.hpp"
#include "runtime/container.hpp"
#include "runtime/launch_plan.hpp"
#include "runtime/passwd.hpp"
#include "runtime/self_protect.hpp"
#include "runtime/process_setup.hpp"
#include "runtime/signal_forward.hpp"
#include "runtime/spawn.hpp"
#include "runtime/sync.hpp"

namespace berth::runtime {

namespace {

struct NsEntry {
    const char* name;
    int type;
};
// User first: entering it grants the capabilities needed to enter the others.
constexpr NsEntry kNamespaces[] = {{"user", CLONE_NEWUSER}, {"ipc", CLONE_NEWIPC},   {"uts", CLONE_NEWUTS},
                                   {"net", CLONE_NEWNET},   {"cgroup", CLONE_NEWCGROUP}, {"mnt", CLONE_NEWNS}};

bool same_namespace(const std::string& a, const std::string& b) {
    struct stat sa {}, sb {};
    if (::stat(a.c_str(), &sa) < 0 || ::stat(b.c_str(), &sb) < 0) return false;
    return sa.st_ino == sb.st_ino && sa.st_dev == sb.st_dev;
}

void add_caps(std::vector<int>& set, const std::vector<int>& extra) {
    for (int c : extra) {
        if (std::find(set.begin(), set.end(), c) == set.end()) set.push_back(c);
    }
}

Process process_for_exec(const Spec& spec, const ExecOptions& o) {
    if (o.process) return *o.process;
    Process p = *spec.process;  // the container's own settings are the defaults (caps, rlimits, user)
    p.args = o.args;
    if (p.args.empty()) throw Error(Errc::invalid_argument, "exec needs a command to run");
    for (const auto& e : o.env) {
        auto key = e.substr(0, e.find('='));
        std::erase_if(p.env, [&](const std::string& x) { return x.substr(0, x.find('=')) == key; });
        p.env.push_back(e);
    }
    if (!o.cwd.empty()) p.cwd = o.cwd;
    if (o.uid) p.user.uid = *o.uid;
    if (o.gid) p.user.gid = *o.gid;
    if (!o.additional_gids.empty()) p.user.additional_gids = o.additional_gids;
    p.terminal = o.tty;
    if (o.no_new_privs) p.no_new_privileges = true;
    if (!o.cap_add.empty()) {
        std::vector<int> extra;
        for (const auto& name : o.cap_add) {
            auto cap = capability_from_name(name);
            if (!cap) throw Error(Errc::invalid_argument, "unknown capability \"" + name + "\"");
            extra.push_back(*cap);
        }
        if (!p.capabilities) p.capabilities = Capabilities{};
        add_caps(p.capabilities->bounding, extra);
        add_caps(p.capabilities->effective, extra);
        add_caps(p.capabilities->permitted, extra);
    }
    return p;
}

UniqueFd connect_unix(const std::string& path) {
    UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    if (path.size() >= sizeof addr.sun_path) throw Error(Errc::invalid_argument, "socket path too long: " + path);
    std::memcpy(addr.sun_path, path.c_str(), path.size());
    if (::connect(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) < 0) throw_errno("connect to " + path);
    return fd;
}

[[noreturn]] void exec_child(const ProcessPlan& plan, const std::vector<std::pair<int, int>>& joins, int sync_fd) {
    prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);  // see init.cpp: the container must not reach our image
    child::join_cgroups(plan.cgroup_task_files, sync_fd);
    SyncMessage m;
    if (!sync_recv(sync_fd, m) || m.type != SyncType::go) _exit(1);
    for (const auto& [fd, type] : joins) {
        if (setns(fd, type) < 0) child::fail(sync_fd, errno, "join namespace");
    }
    setsid();
    child::setup_terminal(plan, sync_fd);
    child::apply_rlimits(plan, sync_fd);
    const char* executable = child::resolve_executable(plan, sync_fd);
    child::drop_privileges_and_exec(plan, executable, sync_fd);
}

}  // namespace

namespace {

// The container's own processes, as well as the one we start, could reach our image.
bool reaches_runtime(const Spec& spec, const Process& process) {
    bool new_user_ns = spec.linux.find_namespace("user") != nullptr;
    return container_can_reach_runtime(spec.process->capabilities, new_user_ns) ||
           container_can_reach_runtime(process.capabilities, new_user_ns);
}

// The caller's own pid and time namespaces (its active ones), to return to after joining a
// container's for the children: setns into one's own active namespace is always allowed.
class ChildNamespaces {
  public:
    void remember(const char* name) {
        std::string own = std::string("/proc/self/ns/") + name;
        UniqueFd fd(::open(own.c_str(), O_RDONLY | O_CLOEXEC));
        if (!fd) throw_errno("open " + own);
        fds_.push_back(std::move(fd));
    }
    void restore() noexcept {
        for (auto& fd : fds_) (void)::setns(fd.get(), 0);
        fds_.clear();
    }
    ~ChildNamespaces() { restore(); }

  private:
    std::vector<UniqueFd> fds_;
};

}  // namespace

int Runtime::exec(const std::string& id, const ExecOptions& options) {
    auto rec = store_.load(id);
    Status s = status(rec);
    if (s != Status::running && s != Status::created) {
        throw Error(Errc::conflict, "cannot exec in container \"" + id + "\": it is " + status_name(s));
    }
    auto text = read_file(store_.dir(id) + "/config.json");
    Spec spec = parse_spec(text, store_.dir(id) + "/config.json");
    Process process = process_for_exec(spec, options);
    if (reaches_runtime(spec, process) && !running_from_sealed_copy()) {
        if (!options.may_reexec) throw SealedCopyNeeded();
        reexec_from_sealed_copy();
    }
    add_default_home(process.env, rec.rootfs, process.user.uid);
    ProcessPlan plan;
    build_process_plan(process, spec.linux, plan, store_.seccomp_cache_dir());
    plan.preserve_fds = options.preserve_fds;
    UniqueFd console;
    if (plan.terminal) {
        if (options.console_socket.empty()) throw Error(Errc::invalid_argument, "exec -t needs --console-socket");
        console = connect_unix(options.console_socket);
        plan.console_fd = console.get();
    }

    std::string proc = "/proc/" + std::to_string(rec.pid) + "/ns/";
    std::vector<std::pair<int, int>> joins;
    std::vector<UniqueFd> ns_fds;
    for (const auto& ns : kNamespaces) {
        if (same_namespace(proc + ns.name, std::string("/proc/self/ns/") + ns.name)) continue;
        UniqueFd fd(::open((proc + ns.name).c_str(), O_RDONLY | O_CLOEXEC));
        if (!fd) throw_errno("open " + proc + ns.name);
        joins.emplace_back(fd.get(), ns.type);
        ns_fds.push_back(std::move(fd));
    }
    // pid and time namespaces apply to children: enter them here, before forking, and go back
    // to our own once the child exists. A long-lived caller (berth-shim runs this in-process)
    // would otherwise fork every later child (a runtime binary, a helper) into the container's
    // pid namespace, where its orphans go to the container's init instead of to the caller.
    ChildNamespaces own_for_children;
    for (const char* name : {"pid_for_children", "time_for_children"}) {
        std::string theirs = proc + (std::string(name) == "pid_for_children" ? "pid" : "time");
        if (!path_exists(theirs) || same_namespace(theirs, std::string("/proc/self/ns/") + name)) continue;
        own_for_children.remember(std::string(name) == "pid_for_children" ? "pid" : "time");
        UniqueFd fd(::open(theirs.c_str(), O_RDONLY | O_CLOEXEC));
        if (!fd || ::setns(fd.get(), 0) < 0) throw_errno("join namespace " + theirs);
    }

    int sv[2];
    if (::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0) throw_errno("socketpair");
    UniqueFd sync(sv[0]);
    std::optional<SignalForwarder> signals;
    if (!options.detach) signals.emplace();
    auto cgroup = cgroups::open(rec.cgroup_path, id, rec.creator_cgroups);
    plan.cgroup_task_files = cgroup->self_join_files();
    UniqueFd cgroup2;
    if (auto dir = cgroup->clone_into_dir(); !dir.empty()) {
        cgroup2.reset(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    }
    bool in_cgroup2 = false;
    pid_t pid = clone_child(0, cgroup2.get(), &in_cgroup2);
    if (pid < 0) throw_sys("fork", -pid);
    if (pid == 0) {
        sigset_t none;
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, nullptr);
        ::close(sv[0]);
        exec_child(plan, joins, sv[1]);
    }
    ::close(sv[1]);
    own_for_children.restore();
    try {
        if (cgroup2 && !in_cgroup2) write_file(cgroup->clone_into_dir() + "/cgroup.procs", std::to_string(pid));
        // The process's oomScoreAdj (the container's, --oom-score-adj) holds for exec'd
        // processes too, as under Docker; set before it runs anything.
        if (process.oom_score_adj)
            write_file("/proc/" + std::to_string(pid) + "/oom_score_adj", std::to_string(*process.oom_score_adj));
        SyncMessage go;
        go.type = SyncType::go;
        sync_send(sync.get(), go);
        SyncMessage m;
        if (sync_recv(sync.get(), m) && m.type == SyncType::error) {
            ::waitpid(pid, nullptr, 0);
            Errc code = std::strstr(m.text, "not found in $PATH") || m.err == ENOENT ? Errc::not_found : Errc::internal;
            throw Error(code, m.text);
        }
    } catch (...) {
        ::kill(pid, SIGKILL);
        ::waitpid(pid, nullptr, 0);
        throw;
    }
    if (!options.pid_file.empty()) write_file_atomic(options.pid_file, std::to_string(pid), 0644);
    if (options.detach) return 0;
    return signals->wait(pid);
}

}  // namespace berth::runtime
