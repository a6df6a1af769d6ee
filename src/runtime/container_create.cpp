// create and run: from config.json to a container init waiting for start.
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

#include "common/time_format.hpp"
#include "common/error.hpp"
#include "common/file_util.hpp"
#include "common/unique_fd.hpp"
#include "runtime/cgroups/cgroup.hpp"
#include "runtime/console_proxy.hpp"
#include "runtime/container.hpp"
#include "runtime/hooks.hpp"
#include "runtime/init.hpp"
#include "runtime/launch_plan.hpp"
#include "runtime/self_protect.hpp"
#include "runtime/signal_forward.hpp"
#include "runtime/spawn.hpp"
#include "runtime/sync.hpp"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

namespace berth::runtime {

namespace {

std::string absolute(const std::string& path) {
    if (!path.empty() && path[0] == '/') return path;
    char cwd[PATH_MAX];
    if (!::getcwd(cwd, sizeof cwd)) throw_errno("getcwd");
    return path == "." ? std::string(cwd) : std::string(cwd) + "/" + path;
}

UniqueFd connect_console_socket(const std::string& path) {
    UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
    if (!fd) throw_errno("console socket");
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    if (path.size() >= sizeof addr.sun_path) throw Error(Errc::invalid_argument, "console socket path too long: " + path);
    std::memcpy(addr.sun_path, path.c_str(), path.size());
    if (::connect(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) < 0) {
        throw_errno("connect to console socket " + path);
    }
    return fd;
}

std::string id_map_text(const std::vector<IdMapping>& maps) {
    std::string out;
    for (const auto& m : maps) {
        out += std::to_string(m.container_id) + " " + std::to_string(m.host_id) + " " + std::to_string(m.size) + "\n";
    }
    return out;
}

// The host id that container id 0 maps to (0 when unmapped).
uint32_t host_id_of_root(const std::vector<IdMapping>& maps) {
    for (const auto& m : maps) {
        if (m.container_id == 0) return m.host_id;
    }
    return 0;
}

// Enters namespaces that only affect children (pid, time) or must come first (user) in this process.
void enter_parent_namespaces(const Spec& spec) {
    for (const auto& ns : spec.linux.namespaces) {
        if (ns.path.empty() || (ns.type != "pid" && ns.type != "time" && ns.type != "user")) continue;
        UniqueFd fd(::open(ns.path.c_str(), O_RDONLY | O_CLOEXEC));
        if (!fd) throw_errno("open " + ns.type + " namespace " + ns.path);
        if (::setns(fd.get(), ns.clone_flag) < 0) throw_errno("join " + ns.type + " namespace " + ns.path);
    }
    const Namespace* time_ns = spec.linux.find_namespace("time");
    if (time_ns && time_ns->path.empty()) {
        if (::unshare(CLONE_NEWTIME) < 0) throw_errno("create time namespace");
        std::string offsets;
        for (const auto& [clock, off] : spec.linux.time_offsets) {
            offsets += clock + " " + std::to_string(off.secs) + " " + std::to_string(off.nanosecs) + "\n";
        }
        if (!offsets.empty()) write_file("/proc/self/timens_offsets", offsets);
    }
}

void send_text(int fd, SyncType type, const std::string& text) {
    for (size_t pos = 0; pos < text.size(); pos += sizeof(SyncMessage::text) - 1) {
        SyncMessage m;
        m.type = type;
        auto chunk = text.substr(pos, sizeof m.text - 1);
        std::memcpy(m.text, chunk.data(), chunk.size());
        if (!sync_send(fd, m)) throw Error(Errc::internal, "container init exited during setup");
    }
}

void send_go(int fd) {
    SyncMessage m;
    m.type = SyncType::go;
    if (!sync_send(fd, m)) throw Error(Errc::internal, "container init exited during setup");
}

// Waits for `want` from the init; runs the runtime hooks on request. Returns false on EOF.
bool await(int fd, SyncType want, const Spec& spec, const ContainerRecord& rec) {
    SyncMessage m;
    for (;;) {
        if (!sync_recv(fd, m)) return false;
        if (m.type == want) return true;
        if (m.type == SyncType::error) {
            throw Error(m.err == ENOENT ? Errc::not_found : Errc::internal, std::string("container init: ") + m.text);
        }
        if (m.type == SyncType::run_hooks) {
            std::string state = oci_state(rec, Status::creating).dump();
            run_hooks(spec.hooks.prestart, state, "prestart");
            run_hooks(spec.hooks.create_runtime, state, "createRuntime");
            send_go(fd);
        }
    }
}

// The devices every container gets (runtime-spec "default devices", plus ptys) stay allowed
// after the config's device rules, as runc does; so do the devices the config creates.
Resources with_default_devices(Resources r, const Linux& linux) {
    if (r.devices.empty()) return r;
    auto allow = [&](char type, std::optional<int64_t> major, std::optional<int64_t> minor) {
        r.devices.push_back(DeviceRule{true, type, major, minor, "rwm"});
    };
    allow('c', 1, 3);    // null
    allow('c', 1, 5);    // zero
    allow('c', 1, 7);    // full
    allow('c', 1, 8);    // random
    allow('c', 1, 9);    // urandom
    allow('c', 5, 0);    // tty
    allow('c', 5, 2);    // ptmx
    allow('c', 136, std::nullopt);  // /dev/pts/*
    for (const auto& d : linux.devices) {
        if (d.type == 'c' || d.type == 'b') allow(d.type, d.major, d.minor);
    }
    return r;
}

struct Launched {
    ContainerRecord record;
    Spec spec;
    UniqueFd sync;
    std::unique_ptr<cgroups::Cgroup> cgroup;
};

// Everything `create` does, up to an init that is ready and waiting. On any failure the
// init is killed and the cgroup and state directory are removed before the error propagates.
// `proxy`: for `run` in the foreground, where a terminal without --console-socket is ours to serve.
Launched launch(StateStore& store, const std::string& id, const CreateOptions& options, bool via_fifo,
                ConsoleProxy* proxy = nullptr) {
    Launched l;
    std::string bundle = absolute(options.bundle);
    std::string config_text = read_file(bundle + "/config.json");
    l.spec = parse_spec(config_text, "config.json");
    if (!l.spec.process) throw Error(Errc::invalid_argument, "config.json: process: required but missing");
    const Namespace* user_ns = l.spec.linux.find_namespace("user");
    if (container_can_reach_runtime(l.spec.process->capabilities, user_ns && user_ns->path.empty())) {
        reexec_from_sealed_copy();  // nothing is created yet: the copy starts this command afresh
    }
    l.cgroup = cgroups::open(l.spec.linux.cgroups_path, id);

    UniqueFd console;
    if (options.console_fd < 0 && !options.console_socket.empty()) {
        console = connect_console_socket(options.console_socket);
    }
    for (int fd : options.stdio) {
        if (fd >= 0 && fd <= 2) throw Error(Errc::invalid_argument, "stdio descriptors for the init must be > 2");
    }

    LaunchPlan plan;
    int console_fd = options.console_fd >= 0 ? options.console_fd : console.get();
    if (console_fd < 0 && proxy && l.spec.process->terminal) console_fd = proxy->init_end();
    PlanOptions popts{bundle, options.no_pivot, console_fd, l.cgroup.get(), options.preserve_fds, store.seccomp_cache_dir()};
    build_launch_plan(l.spec, popts, plan);

    store.create_dir(id);
    ContainerRecord& rec = l.record;
    rec.id = id;
    rec.bundle = bundle;
    rec.rootfs = plan.rootfs;
    rec.created = rfc3339_nano_now();
    rec.owner = "";
    rec.creator = ::getpid();
    rec.cgroup_path = l.spec.linux.cgroups_path;
    if (!rec.cgroup_path.empty() && rec.cgroup_path[0] != '/') rec.creator_cgroups = read_file("/proc/self/cgroup");
    rec.annotations = l.spec.annotations;
    pid_t pid = 0;
    try {
        store.save(rec);
        write_file_atomic(store.dir(id) + "/config.json", config_text, 0600, Durability::none);
        l.cgroup->create();
        if (l.spec.linux.resources) l.cgroup->apply(with_default_devices(*l.spec.linux.resources, l.spec.linux));

        UniqueFd fifo;
        if (via_fifo) {
            std::string fifo_path = store.dir(id) + "/exec.fifo";
            if (::mkfifo(fifo_path.c_str(), 0622) < 0) throw_errno("mkfifo " + fifo_path);
            // In a new user namespace the init opens the fifo as the container's root, an
            // unprivileged host uid: the fifo must be its own (the umask took 0622's w bits).
            if (plan.new_user_ns &&
                ::chown(fifo_path.c_str(), host_id_of_root(l.spec.linux.uid_mappings),
                        host_id_of_root(l.spec.linux.gid_mappings)) < 0) {
                throw_errno("chown " + fifo_path);
            }
            fifo.reset(::open(fifo_path.c_str(), O_PATH | O_CLOEXEC));
            if (!fifo) throw_errno("open " + fifo_path);
            plan.exec_fifo_fd = fifo.get();
        }
        int sv[2];
        if (::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0) throw_errno("socketpair");
        l.sync.reset(sv[0]);
        plan.sync_fd = sv[1];

        enter_parent_namespaces(l.spec);
        plan.process.cgroup_task_files = l.cgroup->self_join_files();
        UniqueFd cgroup2;
        if (auto dir = l.cgroup->clone_into_dir(); !dir.empty()) {
            cgroup2.reset(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
        }
        bool in_cgroup2 = false;
        pid = clone_child(plan.clone_flags & ~CLONE_NEWTIME, cgroup2.get(), &in_cgroup2);
        if (pid < 0) {
            ::close(sv[1]);
            throw_sys("clone the container init", -pid);
        }
        if (pid == 0) {
            ::close(sv[0]);
            // The caller's stdio for the init; dup2 clears close-on-exec on 0..2 only.
            for (int i = 0; i < 3; ++i) {
                if (options.stdio[i] >= 0 && ::dup2(options.stdio[i], i) < 0) ::_exit(1);
            }
            child::container_init(plan);
        }
        ::close(sv[1]);
        for (const auto& j : plan.joins) ::close(j.fd);

        rec.pid = pid;
        rec.pid_start = process_start_time(pid);
        store.save(rec);
        // The init moves itself into its v1 cgroups; only the cgroup2 side may be left to us.
        if (cgroup2 && !in_cgroup2) write_file(l.cgroup->clone_into_dir() + "/cgroup.procs", std::to_string(pid));
        if (plan.new_user_ns) {
            std::string proc = "/proc/" + std::to_string(pid);
            write_file(proc + "/uid_map", id_map_text(l.spec.linux.uid_mappings));
            write_file(proc + "/gid_map", id_map_text(l.spec.linux.gid_mappings));
        }
        if (l.spec.process->oom_score_adj) {
            write_file("/proc/" + std::to_string(pid) + "/oom_score_adj",
                       std::to_string(*l.spec.process->oom_score_adj));
        }
        if (!l.spec.hooks.create_container.empty() || !l.spec.hooks.start_container.empty()) {
            send_text(l.sync.get(), SyncType::state_json, oci_state(rec, Status::creating).dump());
        }
        send_go(l.sync.get());
        if (!await(l.sync.get(), SyncType::ready, l.spec, rec)) {
            throw Error(Errc::internal, "container init exited during setup");
        }
    } catch (...) {
        if (pid > 0) {
            ::kill(pid, SIGKILL);
            ::waitpid(pid, nullptr, 0);
        }
        try {
            l.cgroup->destroy();
        } catch (...) {
        }
        try {
            store.remove(id);
        } catch (...) {
        }
        throw;
    }
    return l;
}

void write_pid_file(const std::string& path, pid_t pid) {
    if (!path.empty()) write_file_atomic(path, std::to_string(pid), 0644, Durability::none);
}

}  // namespace

pid_t Runtime::create(const std::string& id, const CreateOptions& options) {
    Launched l = launch(store_, id, options, true);
    l.record.creator = 0;
    store_.save(l.record);
    write_pid_file(options.pid_file, l.record.pid);
    return l.record.pid;
}

int Runtime::run(const std::string& id, const CreateOptions& options, bool detach) {
    if (detach) {
        create(id, options);
        start(id);
        return 0;
    }
    ::prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
    ConsoleProxy proxy;
    Launched l = launch(store_, id, options, false, &proxy);
    bool proxied = l.spec.process->terminal && options.console_socket.empty() && options.console_fd < 0;
    SignalForwarder signals;
    l.record.creator = 0;
    store_.save(l.record);
    write_pid_file(options.pid_file, l.record.pid);
    pid_t pid = l.record.pid;
    try {
        send_go(l.sync.get());
        // EOF: the init exec'd the process (the socket is close-on-exec) or died trying.
        await(l.sync.get(), SyncType::ready, l.spec, l.record);
        l.sync.reset();
        if (proxied) proxy.receive_master();
        run_hooks(l.spec.hooks.poststart, oci_state(l.record, Status::running).dump(), "poststart");
    } catch (...) {
        ::kill(pid, SIGKILL);
        ::waitpid(pid, nullptr, 0);
        destroy(l.record, &l.spec, l.cgroup.get(), false);
        throw;
    }
    int code = proxied ? proxy.run(pid, signals) : signals.wait(pid);
    // With its own pid namespace, the container died with its init: nothing left to kill.
    bool emptied = l.spec.linux.find_namespace("pid") && l.spec.linux.find_namespace("pid")->path.empty();
    destroy(l.record, &l.spec, l.cgroup.get(), emptied);
    return code;
}

}  // namespace berth::runtime
