// start, stop, kill, restart, pause/unpause, wait, attach, resize; exits and restart policies.
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>

#include <fstream>

#include "common/error.hpp"
#include "common/file_util.hpp"
#include "engine/log_attrs.hpp"
#include "engine/container_runtime.hpp"
#include "engine/errno_text.hpp"
#include "engine/etc_files.hpp"
#include "engine/health_state.hpp"
#include "engine/manager_internal.hpp"
#include "engine/oci_config.hpp"
#include "engine/shareable_shm.hpp"
#include "engine/shim_process.hpp"
#include "engine/signals.hpp"
#include "image/digest.hpp"
#include "runtime/container.hpp"
#include "shim/exit_status.hpp"
#include "shim/protocol.hpp"
#include "storage/snapshotter.hpp"
#include "volume/mount_spec.hpp"

namespace berth::engine {

namespace {

bool cgroup_v2_host() { return path_exists("/sys/fs/cgroup/cgroup.controllers"); }

std::string host_arch() {
#if defined(__x86_64__)
    return "amd64";
#elif defined(__aarch64__)
    return "arm64";
#else
    return "unknown";
#endif
}

// dockerd's mergeUlimits: the daemon's default ulimits for the names the container does not
// set itself. Into the OCI spec only; the record (inspect) keeps what the container asked for.
Json with_default_ulimits(Json host_config, const Json& defaults) {
    if (defaults.empty()) return host_config;
    if (!host_config.is_object()) host_config = Json::object();
    if (!host_config.contains("Ulimits") || !host_config["Ulimits"].is_array()) host_config["Ulimits"] = Json::array();
    Json& own = host_config["Ulimits"];
    for (const auto& d : defaults) {
        bool set = std::any_of(own.begin(), own.end(), [&](const Json& u) { return u.value("Name", "") == d.value("Name", ""); });
        if (!set) own.push_back(d);
    }
    return host_config;
}

// --network container:X shares X's /etc/hosts, /etc/resolv.conf and /etc/hostname (moby points
// the container's paths at X's): copies over the container's own, read through X's init's root.
void copy_donor_etc_files(pid_t donor, const std::string& dir) {
    std::string root = "/proc/" + std::to_string(donor) + "/root/etc/";
    for (const char* f : {"hosts", "resolv.conf", "hostname"}) {
        if (auto text = read_file_if_exists(root + f)) write_file_atomic(dir + "/" + f, *text, 0644, Durability::none);
    }
}

// Docker's start errors for a process that cannot be run are the client's fault (400).
Errc start_error_code(int exit_code) { return exit_code == 126 || exit_code == 127 ? Errc::invalid_argument : Errc::internal; }

}  // namespace

JoinedContainer ContainerManager::join_container(const std::string& id, const std::string& kind, const std::string& key) {
    std::shared_ptr<Entry> other;
    try {
        other = find(key);
    } catch (const Error& e) {
        // moby: an unknown donor is the request's fault.
        throw Error(Errc::invalid_argument, e.what());
    }
    std::lock_guard lock(mu_);
    const Container& c = other->c;
    if (c.id == id) throw Error(Errc::invalid_argument, "cannot join own " + kind + " namespace");
    if (!c.state.running() || c.state.pid <= 0) {
        if (kind == "network") throw Error(Errc::conflict, "cannot join network of a non running container: " + key);
        throw Error(Errc::conflict, "container " + key + " is not running");
    }
    if (kind == "IPC") {
        std::string mode = json_string(c.host_config, "IpcMode");
        if (mode != "shareable" && mode != "host") {
            throw Error(Errc::invalid_argument,
                        "container " + key + ": non-shareable IPC (hint: use IpcMode:shareable for the donor container)");
        }
    }
    return {c.state.pid, container_dir(c.id)};
}

void ContainerManager::do_start(Entry& e, bool from_restart_policy) {
    Container snapshot;
    {
        std::lock_guard lock(mu_);
        snapshot = e.c;
    }
    const std::string& id = snapshot.id;
    std::string dir = container_dir(id);
    std::optional<image::Digest> top;
    if (!snapshot.top_layer.empty()) top = image::Digest::parse(snapshot.top_layer);
    auto snap = options_.snapshotter->get(id, top, dir);
    // A --rm container's changes die with it: no reason to pay an fs-wide sync at unmount.
    options_.snapshotter->mount(snap, json_bool(snapshot.host_config, "AutoRemove"));
    std::string sdir = shim_dir(id);
    // What a start that fails must not leave mounted.
    auto release_start_mounts = [&] {
        release_shareable_shm(dir);
        options_.snapshotter->unmount(snap);
    };
    ShimStarted started;
    try {
        OciInputs in;
        in.id = id;
        in.config = snapshot.config;
        in.host_config = with_default_ulimits(snapshot.host_config, options_.default_ulimits);
        in.rootfs = snap.rootfs;
        in.container_dir = dir;
        in.init_path = options_.init_path;
        in.seccomp_profile = options_.seccomp_profile;
        in.arch = host_arch();
        in.cgroup_v2 = cgroup_v2_host();
        in.user = resolve_user(snap.rootfs, json_string(snapshot.config, "User"), json_strings(snapshot.host_config, "GroupAdd"));
        in.read_only_binds_non_recursive = snapshot.read_only_binds_non_recursive;
        ContainerRuntime rt(options_, runtime_name(snapshot.host_config));
        in.recursive_read_only_unsupported = [&rt] { return rt.recursive_read_only_unsupported(); };
        pid_t network_donor = 0;  // --network container:X: X's init, whose /etc files are shared
        in.join = [&](const std::string& kind, const std::string& key) {
            JoinedContainer joined = join_container(id, kind, key);
            if (kind == "network") network_donor = joined.pid;
            return joined;
        };
        Json spec = build_oci_config(in);
        if (json_string(snapshot.host_config, "IpcMode") == "shareable") {
            int64_t shm = json_int(snapshot.host_config, "ShmSize", 0);
            mount_shareable_shm(dir, shm > 0 ? shm : kDefaultShmSize);
        }
        // A -v source that is missing is made now, at every start, as moby's MountPoint.Setup.
        volume::create_missing_sources(volume::container_mounts(snapshot.host_config, false));
        EtcFilesOptions etc;
        etc.hostname = spec.value("hostname", id.substr(0, 12));
        etc.network_mode = json_string(snapshot.host_config, "NetworkMode", "bridge");
        etc.dns = {json_strings(snapshot.host_config, "Dns"), json_strings(snapshot.host_config, "DnsSearch"),
                   json_strings(snapshot.host_config, "DnsOptions")};
        // As dockerd: each part the container leaves empty comes from the daemon's config.
        if (etc.dns.servers.empty()) etc.dns.servers = options_.default_dns.servers;
        if (etc.dns.search.empty()) etc.dns.search = options_.default_dns.search;
        if (etc.dns.options.empty()) etc.dns.options = options_.default_dns.options;
        for (const auto& h : json_strings(snapshot.host_config, "ExtraHosts")) etc.extra_hosts.push_back(parse_extra_host(h));
        write_etc_files(dir, etc);
        if (network_donor) copy_donor_etc_files(network_donor, dir);  // over ours: a file X lacks stays ours
        // Rebuilt from the record at every start: no fsync needed (see write_etc_files).
        write_file_atomic(dir + "/config.json", spec.dump(), 0600, Durability::none);

        remove_all(sdir);
        shim::Options so;
        so.id = id;
        so.bundle = dir;
        so.runtime_root = rt.root();
        so.runtime_binary = rt.binary();
        if (rt.builtin()) so.sealed_exec_runtime = options_.runtime_cli_path;
        so.shim_dir = sdir;
        so.log_path = snapshot.log_path;
        const Json& log_config = snapshot.host_config["LogConfig"].value("Config", Json::object());
        if (log_config.contains("max-size")) so.log.max_size = shim::parse_log_size(log_config["max-size"].get<std::string>());
        if (log_config.contains("max-file")) so.log.max_file = std::stoi(log_config["max-file"].get<std::string>());
        so.log.attrs_json = log_attributes_json(log_config, snapshot.config);
        so.stdin_open = json_bool(snapshot.config, "OpenStdin");
        so.stdin_once = json_bool(snapshot.config, "StdinOnce");
        so.tty = json_bool(snapshot.config, "Tty");
        if (spec["process"].contains("consoleSize")) {
            so.height = spec["process"]["consoleSize"]["height"];
            so.width = spec["process"]["consoleSize"]["width"];
        }
        so.notify_socket = options_.exec_root + "/engine.sock";
        auto r = spawn_shim(options_.shim_path, so);
        started.pid = r.pid;
        started.error = r.error;
        started.exit_code = r.exit_code;
    } catch (const Error& err) {
        started.error = err.what();
        started.exit_code = 128;
        if (err.code() == Errc::invalid_argument || err.code() == Errc::not_found || err.code() == Errc::conflict) {
            release_start_mounts();
            std::lock_guard lock(mu_);
            e.c.state.error = err.what();
            save_locked(e);
            throw;
        }
    } catch (const std::exception& err) {
        // A stored config of a shape the checks at create let through: the client's input,
        // and the snapshot must not stay mounted.
        release_start_mounts();
        std::lock_guard lock(mu_);
        e.c.state.error = err.what();
        save_locked(e);
        throw Error(Errc::invalid_argument, std::string("invalid container configuration: ") + err.what());
    }
    if (!started.error.empty()) {
        release_start_mounts();
        {
            std::lock_guard lock(mu_);
            e.c.state.exit_code = started.exit_code;
            e.c.state.error = started.error;
            if (e.c.has_been_started) e.c.state.status = "exited";
            save_locked(e);
        }
        cv_.notify_all();
        try {
            remove_all(sdir);
        } catch (...) {
        }
        throw Error(start_error_code(started.exit_code), "failed to create task for container: " + go_errno_text(started.error));
    }

    std::vector<std::shared_ptr<Entry::PendingAttach>> attaches;
    pid_t shim_pid = 0;
    if (auto text = read_file_if_exists(sdir + "/" + shim::kPidFile)) shim_pid = std::stoi(*text);
    {
        std::lock_guard lock(mu_);
        e.c.state.status = "running";
        e.c.state.pid = started.pid;
        e.c.state.error.clear();
        e.c.state.exit_code = 0;
        e.c.state.oom_killed = false;
        e.c.state.started_at = rfc3339_nano_now();
        reset_health_for_start(e.c.state, HealthSettings::from_config(e.c.config).has_value());
        e.c.has_been_started = true;
        e.c.manually_stopped = false;
        e.c.shim_pid = shim_pid;
        e.c.shim_start = runtime::process_start_time(shim_pid);
        e.started_at = std::chrono::steady_clock::now();
        if (!from_restart_policy) e.restart.reset();
        save_locked(e);
        attaches.swap(e.pending_attach);
        snapshot = e.c;
    }
    cv_.notify_all();
    // Clients that attached before the start get the stream before the process runs.
    for (auto& a : attaches) {
        try {
            Json req = {{"op", "attach"}, {"stdin", a->options.stdin_}, {"stdout", a->options.stdout_}, {"stderr", a->options.stderr_}};
            int fd = -1;
            shim::call(sdir, req, &fd);
            a->promise.set_value(AttachStream{UniqueFd(fd), json_bool(snapshot.config, "Tty")});
        } catch (...) {
            a->promise.set_exception(std::current_exception());
        }
    }
    emit(snapshot, "start");
    shim::call(sdir, {{"op", "start"}});
    std::lock_guard lock(mu_);
    start_health_monitor_locked(e);
}

bool ContainerManager::start(const std::string& key) {
    auto e = find(key);
    std::lock_guard op(e->op);
    {
        std::lock_guard lock(mu_);
        if (e->removed) throw Error(Errc::not_found, "No such container: " + key);
        const auto& s = e->c.state.status;
        if (s == "paused") throw Error(Errc::conflict, "cannot start a paused container, try unpause instead");
        if (s == "running") return false;
        if (s == "removing" || s == "dead") throw Error(Errc::conflict, "container is marked for removal and cannot be started");
    }
    try {
        do_start(*e, false);
    } catch (const Error&) {
        // As dockerd: an --rm container that cannot start is removed too. Clients wait for
        // `condition=removed` (docker run --rm did, forever) and must not find it left behind.
        if (json_bool(e->c.host_config, "AutoRemove")) {
            std::string id = e->c.id;
            std::lock_guard lock(mu_);
            // A task: it runs once this start has released the container's op lock.
            if (!stopping_) spawn_locked([this, id] { remove(id, true, true); });
        }
        throw;
    }
    return true;
}

void ContainerManager::do_kill(Entry& e, int signal, bool emit_event) {
    std::string sdir = shim_dir(e.c.id);
    {
        std::lock_guard lock(mu_);
        if (!e.c.state.running()) throw Error(Errc::conflict, "Container " + e.c.id + " is not running");
        if (e.c.state.status == "paused" && signal == SIGKILL) {
            // A frozen cgroup holds the signal until thawed: thaw so the kill lands.
            try {
                ContainerRuntime(options_, runtime_name(e.c.host_config)).resume(e.c.id);
                e.c.state.status = "running";
            } catch (const Error&) {
            }
        }
    }
    if (emit_event) emit(e.c, "kill", {{"signal", std::to_string(signal)}});
    try {
        shim::call(sdir, {{"op", "kill"}, {"signal", signal}, {"all", false}});
    } catch (const Error& err) {
        if (err.code() == Errc::conflict) return;  // the shim says it has exited already
        // The process exited meanwhile and its shim is finishing or gone (it cut the
        // connection): the kill is moot, as in dockerd when containerd finds no process.
        bool recorded = shim::read_exit_status(sdir).has_value();
        std::lock_guard lock(mu_);
        if (recorded || e.exit_pending || !e.c.state.running() || !runtime::process_alive(e.c.shim_pid, e.c.shim_start)) return;
        throw;
    }
}

void ContainerManager::kill(const std::string& key, const std::string& signal) {
    auto e = find(key);
    int sig = parse_signal(signal.empty() ? "SIGKILL" : signal);
    uint64_t seq;
    {
        std::lock_guard lock(mu_);
        if (!e->c.state.running()) throw Error(Errc::conflict, "cannot kill container: " + key + ": container " + e->c.id + " is not running");
        if (sig == SIGKILL || sig == SIGTERM || sig == SIGINT) e->c.manually_stopped = true;
        save_locked(*e);
        seq = e->exit_seq;
    }
    do_kill(*e, sig, true);
    if (sig != SIGKILL) return;
    // As moby's ContainerKill: a SIGKILL returns once the container no longer runs, so a
    // client's inspect or DELETE right after it sees the exit (not "running", not a 409).
    std::unique_lock lock(mu_);
    auto exited = [&] { return e->died_seq > seq || (e->exit_seq == seq && !e->c.state.running()); };
    if (!cv_.wait_for(lock, std::chrono::seconds(30), exited))
        throw Error(Errc::unavailable, "container " + e->c.id + " did not exit after SIGKILL");
}

bool ContainerManager::do_stop(Entry& e, int timeout_s, const std::string& signal) {
    std::string sig_text;
    {
        std::lock_guard lock(mu_);
        if (!e.c.state.running()) return false;
        e.c.manually_stopped = true;
        save_locked(e);
        sig_text = signal.empty() ? json_string(e.c.config, "StopSignal", "SIGTERM") : signal;
        if (sig_text.empty()) sig_text = "SIGTERM";
        if (timeout_s < 0) timeout_s = static_cast<int>(json_int(e.c.config, "StopTimeout", 10));
    }
    int sig = parse_signal(sig_text);
    uint64_t seq;
    {
        std::lock_guard lock(mu_);
        seq = e.exit_seq;
    }
    // Exited, and its "die" event emitted (see handle_exit); or no longer running without an
    // exit going through handle_exit at all.
    auto exited = [&] { return e.died_seq > seq || (e.exit_seq == seq && !e.c.state.running()); };
    if (timeout_s != 0 || sig != SIGKILL) {
        try {
            do_kill(e, sig, true);
        } catch (const Error&) {
        }
        std::unique_lock lock(mu_);
        if (timeout_s < 0) cv_.wait(lock, exited);
        else cv_.wait_for(lock, std::chrono::seconds(timeout_s), exited);
    }
    {
        std::unique_lock lock(mu_);
        if (!exited()) {
            lock.unlock();
            try {
                do_kill(e, SIGKILL, true);
            } catch (const Error&) {
            }
            lock.lock();
            cv_.wait_for(lock, std::chrono::seconds(30), exited);
            if (!exited()) throw Error(Errc::unavailable, "container " + e.c.id + " did not stop after SIGKILL");
        }
    }
    emit(e.c, "stop");
    return true;
}

bool ContainerManager::stop(const std::string& key, int timeout_s, const std::string& signal) {
    auto e = find(key);
    std::lock_guard op(e->op);
    return do_stop(*e, timeout_s, signal);
}

void ContainerManager::restart(const std::string& key, int timeout_s, const std::string& signal) {
    auto e = find(key);
    std::lock_guard op(e->op);
    // As Docker: a --rm container survives `restart` (it is removed when it exits for good).
    {
        std::lock_guard lock(mu_);
        e->restarting_by_request = true;
    }
    auto clear_flag = [&] {
        std::lock_guard lock(mu_);
        e->restarting_by_request = false;
    };
    try {
        do_stop(*e, timeout_s, signal);
        {
            std::unique_lock lock(mu_);
            cv_.wait_for(lock, std::chrono::seconds(10), [&] { return e->c.state.status != "running"; });
        }
        do_start(*e, false);
    } catch (...) {
        clear_flag();
        throw;
    }
    clear_flag();
    emit(e->c, "restart");
}

void ContainerManager::pause(const std::string& key) {
    auto e = find(key);
    std::lock_guard op(e->op);
    std::lock_guard lock(mu_);
    if (e->c.state.status == "paused") throw Error(Errc::conflict, "Container " + e->c.id + " is already paused");
    if (e->c.state.status != "running") throw Error(Errc::conflict, "Container " + e->c.id + " is not running");
    ContainerRuntime(options_, runtime_name(e->c.host_config)).pause(e->c.id);
    e->c.state.status = "paused";
    stop_health_monitor_locked(*e);  // as moby: no probes while frozen, health "unhealthy"
    save_locked(*e);
    emit(e->c, "pause");
}

void ContainerManager::unpause(const std::string& key) {
    auto e = find(key);
    std::lock_guard op(e->op);
    std::lock_guard lock(mu_);
    if (e->c.state.status != "paused") throw Error(Errc::conflict, "Container " + e->c.id + " is not paused");
    ContainerRuntime(options_, runtime_name(e->c.host_config)).resume(e->c.id);
    e->c.state.status = "running";
    start_health_monitor_locked(*e);
    save_locked(*e);
    emit(e->c, "unpause");
}

WaitResult ContainerManager::wait(const std::string& key, const std::string& condition,
                                  const std::function<void()>& registered,
                                  const std::function<bool()>& abandoned) {
    std::string cond = condition.empty() ? "not-running" : condition;
    if (cond != "not-running" && cond != "next-exit" && cond != "removed") {
        throw Error(Errc::invalid_argument, "invalid condition: \"" + condition + "\"");
    }
    auto e = find(key);
    uint64_t seq;
    {
        std::lock_guard lock(mu_);
        if (shutting_down_ || stopping_) throw Error(Errc::unavailable, "the daemon is shutting down");
        seq = e->exit_seq;  // the starting point: exits from here on count for next-exit
    }
    // Outside the lock: the caller writes to its client here.
    if (registered) registered();
    auto done = [&] {
        if (e->removed) return true;
        // As moby's SetRestarting: each exit wakes not-running waiters, even one the restart
        // policy follows with a new start (such a container would otherwise never wake them).
        if (cond == "not-running") return (!e->c.state.running() && e->c.state.status != "restarting") || e->exit_seq != seq;
        if (cond == "next-exit") return e->exit_seq != seq;
        return false;
    };
    std::unique_lock lock(mu_);
    auto over = [&] { return shutting_down_ || stopping_ || done(); };
    if (!abandoned) {
        cv_.wait(lock, over);
    } else {
        // An exit still wakes this at once; the timeout only bounds how long a waiter whose
        // client left holds its thread.
        while (!cv_.wait_for(lock, std::chrono::seconds(1), over)) {
            lock.unlock();
            bool gone = abandoned();
            lock.lock();
            if (gone) throw Error(Errc::unavailable, "the client went away");
        }
    }
    if (!done()) throw Error(Errc::unavailable, "the daemon is shutting down");
    WaitResult r;
    r.status_code = e->c.state.exit_code;
    if (!e->c.state.error.empty()) r.error = e->c.state.error;
    return r;
}

AttachStream ContainerManager::attach(const std::string& key, const AttachOptions& options) {
    auto e = find(key);
    std::shared_ptr<Entry::PendingAttach> pending;
    std::future<AttachStream> future;
    {
        std::lock_guard lock(mu_);
        if (e->c.state.status != "running" && e->c.state.status != "paused") {
            pending = std::make_shared<Entry::PendingAttach>();
            pending->options = options;
            future = pending->promise.get_future();
            e->pending_attach.push_back(pending);
        }
    }
    emit(e->c, "attach");
    if (pending) {
        if (future.wait_for(options.wait_for_start) != std::future_status::ready) {
            std::lock_guard lock(mu_);
            std::erase(e->pending_attach, pending);
            throw Error(Errc::unavailable, "container " + e->c.id + " was not started");
        }
        return future.get();
    }
    Json req = {{"op", "attach"}, {"stdin", options.stdin_}, {"stdout", options.stdout_}, {"stderr", options.stderr_}};
    int fd = -1;
    shim::call(shim_dir(e->c.id), req, &fd);
    return AttachStream{UniqueFd(fd), json_bool(e->c.config, "Tty")};
}

void ContainerManager::resize(const std::string& key, unsigned height, unsigned width) {
    auto e = find(key);
    {
        std::lock_guard lock(mu_);
        if (!e->c.state.running()) throw Error(Errc::conflict, "Container " + e->c.id + " is not running");
    }
    shim::call(shim_dir(e->c.id), {{"op", "resize"}, {"height", height}, {"width", width}});
    emit(e->c, "resize", {{"height", std::to_string(height)}, {"width", std::to_string(width)}});
}

void ContainerManager::cleanup_after_exit(Entry& e) {
    release_shareable_shm(container_dir(e.c.id));
    std::optional<image::Digest> top;
    if (!e.c.top_layer.empty()) top = image::Digest::parse(e.c.top_layer);
    try {
        options_.snapshotter->unmount(options_.snapshotter->get(e.c.id, top, container_dir(e.c.id)));
    } catch (const Error&) {
    }
    // The shim deletes the runtime state itself; this covers a shim that died before it could.
    try {
        ContainerRuntime(options_, runtime_name(e.c.host_config)).remove(e.c.id);
    } catch (const Error&) {
    }
    try {
        remove_all(shim_dir(e.c.id));
    } catch (const Error&) {
    }
}

void ContainerManager::handle_exit(const std::string& id, int exit_code, bool oom_killed, const std::string& finished_at) {
    std::shared_ptr<Entry> e;
    RestartManager::Decision decision;
    bool auto_remove = false;
    pid_t shim_pid = 0;
    unsigned long long shim_start = 0;
    {
        std::lock_guard lock(mu_);
        auto it = containers_.find(id);
        if (it == containers_.end()) return;
        e = it->second;
        // Not running: already recorded (the shim's notification and the watchdog can both
        // report one exit). exit_pending: another thread is recording it right now.
        if (!e->c.state.running() || e->exit_pending) return;
        e->exit_pending = true;
        shim_pid = e->c.shim_pid;
        shim_start = e->c.shim_start;
    }
    // A shim unlinks its control socket before it notifies, so the next run's shim cannot lose
    // its socket to the old one's unlink. A shim that still has it (one started by an older
    // berth, which unlinked last) is given time to finish (bounded) before the next run.
    if (shim_pid > 0 && path_exists(shim_dir(id) + "/" + shim::kControlSocket)) {
        runtime::wait_process_gone(shim_pid, shim_start, 1000);
    }
    // The cleanup (unmount, runtime state, shim dir) comes before anyone can see the exit: a
    // restart, start or remove that follows the exit would otherwise race it, and the old
    // run's cleanup would unmount the new run's rootfs or delete its shim dir.
    cleanup_after_exit(*e);
    {
        std::lock_guard lock(mu_);
        e->exit_pending = false;
        auto ran = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - e->started_at);
        e->c.state.status = "exited";
        e->c.state.pid = 0;
        e->c.state.exit_code = exit_code;
        e->c.state.oom_killed = oom_killed;
        e->c.state.finished_at = finished_at.empty() ? rfc3339_nano_now() : finished_at;
        e->c.shim_pid = 0;
        stop_health_monitor_locked(*e);
        if (!stopping_) decision = e->restart.on_exit(exit_code, e->c.manually_stopped, ran);
        auto_remove = json_bool(e->c.host_config, "AutoRemove") && !decision.restart && !e->restarting_by_request;
        if (decision.restart) {
            e->c.state.status = "restarting";
            e->c.restart_count = e->restart.restart_count();
        }
        ++e->exit_seq;
        save_locked(*e);
    }
    cv_.notify_all();
    emit(e->c, "die", {{"exitCode", std::to_string(exit_code)}});
    if (oom_killed) emit(e->c, "oom");
    {
        // A `stop` waiting for this exit emits "stop" only now, so events come in Docker's
        // order (kill, die, stop) even when the stopper wakes before "die" went out.
        std::lock_guard lock(mu_);
        e->died_seq = e->exit_seq;
    }
    cv_.notify_all();
    if (decision.restart) {
        schedule_restart(id, decision.delay);
    } else if (auto_remove) {
        std::lock_guard lock(mu_);
        // At shutdown it stays exited; restore() removes it at the next start.
        if (!stopping_) spawn_locked([this, id] { remove(id, true, true); });
    }
}

void ContainerManager::schedule_restart(const std::string& id, std::chrono::milliseconds delay) {
    std::lock_guard lock(mu_);
    if (stopping_) return;
    spawn_locked([this, id, delay] {
        {
            std::unique_lock lock(mu_);
            if (cv_.wait_for(lock, delay, [&] { return stopping_; })) return;
        }
        std::shared_ptr<Entry> e;
        try {
            e = find(id);
        } catch (const Error&) {
            return;
        }
        std::lock_guard op(e->op);
        {
            std::lock_guard lock(mu_);
            if (e->removed || e->c.state.status != "restarting" || e->c.manually_stopped) {
                if (e->c.state.status == "restarting") {
                    e->c.state.status = "exited";
                    save_locked(*e);
                }
                return;
            }
        }
        try {
            do_start(*e, true);
        } catch (const Error&) {
            std::lock_guard lock(mu_);
            e->c.state.status = "exited";
            save_locked(*e);
            cv_.notify_all();
        }
    });
}

void ContainerManager::monitor_loop() {
    auto last_watchdog = std::chrono::steady_clock::now();
    for (;;) {
        {
            std::lock_guard lock(mu_);
            if (stopping_) return;
        }
        pollfd p{notify_fd_.get(), POLLIN, 0};
        int n = ::poll(&p, 1, 200);
        if (n > 0) {
            char buf[4096];
            ssize_t r = ::recv(notify_fd_.get(), buf, sizeof buf, MSG_DONTWAIT);
            if (r > 0) {
                try {
                    Json j = parse_json(std::string_view(buf, static_cast<size_t>(r)), "shim notification");
                    handle_exit(j.value("id", ""), j.value("exit_code", 0), j.value("oom_killed", false), j.value("finished_at", ""));
                } catch (const std::exception&) {
                }
            }
        }
        if (std::chrono::steady_clock::now() - last_watchdog > std::chrono::seconds(1)) {
            try {
                watchdog();
            } catch (const std::exception&) {
                // This thread ending would end berthd (std::terminate); the next round retries.
            }
            last_watchdog = std::chrono::steady_clock::now();
        }
    }
}

// A shim that died without notifying (killed, or its datagram lost): its exit.json, or 255.
void ContainerManager::watchdog() {
    std::vector<std::pair<std::string, std::string>> dead;
    {
        std::lock_guard lock(mu_);
        for (auto& [id, e] : containers_) {
            if (!e->c.state.running() || e->c.shim_pid <= 0) continue;
            try {
                if (!runtime::process_alive(e->c.shim_pid, e->c.shim_start)) dead.emplace_back(id, shim_dir(id));
            } catch (const Error&) {
                // /proc/<pid>/stat unreadable (EMFILE when every descriptor is taken): no sign
                // the shim died; the next round asks again. An escaped error here ended berthd.
            }
        }
    }
    for (auto& [id, dir] : dead) {
        try {
            if (auto exit = shim::read_exit_status(dir)) handle_exit(id, exit->exit_code, exit->oom_killed, exit->finished_at);
            else handle_exit(id, 255, false, rfc3339_nano_now());
        } catch (const Error&) {
            // Recorded on a later round: the shim stays dead.
        }
    }
}

}  // namespace berth::engine
