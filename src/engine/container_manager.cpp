// ContainerManager: records, names, create, remove, rename, update, prune, restore.
#include "engine/container_manager.hpp"

#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>

#include "common/directory_size.hpp"
#include "common/error.hpp"
#include "common/file_util.hpp"
#include "engine/blkio_settings.hpp"
#include "engine/commit_pause.hpp"
#include "engine/container_config.hpp"
#include "engine/container_runtime.hpp"
#include "engine/container_store.hpp"
#include "engine/default_seccomp.hpp"
#include "engine/health_state.hpp"
#include "engine/manager_internal.hpp"
#include "engine/names.hpp"
#include "engine/oci_config.hpp"
#include "engine/settings_check.hpp"
#include "engine/shareable_shm.hpp"
#include "image/image_service.hpp"
#include "image/image_service_impl.hpp"
#include "image/image_store.hpp"
#include "runtime/container.hpp"
#include "shim/exit_status.hpp"
#include "shim/protocol.hpp"
#include "state/database.hpp"
#include "common/time_format.hpp"
#include "storage/snapshotter.hpp"
#include "volume/mount_spec.hpp"

namespace berth::engine {

ContainerManager::ContainerManager(ManagerOptions options) : options_(std::move(options)) {
    if (!options_.db || !options_.images || !options_.image_store || !options_.snapshotter) {
        throw Error(Errc::invalid_argument, "ContainerManager needs a database, image service, image store and snapshotter");
    }
    if (options_.seccomp_profile.is_null()) options_.seccomp_profile = default_seccomp_profile();
    store_ = std::make_unique<ContainerStore>(*options_.db);
    mkdir_all(options_.data_root + "/containers", 0710);
    mkdir_all(options_.exec_root + "/shims", 0711);
    mkdir_all(options_.exec_root + "/runtime", 0700);

    std::string path = options_.exec_root + "/engine.sock";
    notify_fd_.reset(::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0));
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    if (path.size() >= sizeof addr.sun_path) throw Error(Errc::invalid_argument, "exec root path too long: " + path);
    std::memcpy(addr.sun_path, path.c_str(), path.size());
    ::unlink(path.c_str());
    if (::bind(notify_fd_.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) < 0) throw_errno("bind " + path);
    monitor_ = std::thread([this] { monitor_loop(); });
}

void ContainerManager::shutdown() {
    {
        std::lock_guard lock(mu_);
        shutting_down_ = true;
    }
    cv_.notify_all();
}

ContainerManager::~ContainerManager() {
    {
        std::lock_guard lock(mu_);
        stopping_ = true;
        for (auto& [id, e] : containers_) {
            if (e->health_run) e->health_run->stop = true;  // a probe in flight is killed
        }
    }
    cv_.notify_all();
    health_cv_.notify_all();
    {
        // Detached health monitor threads use this object to their last step.
        std::unique_lock lock(mu_);
        cv_.wait(lock, [&] { return health_threads_ == 0; });
    }
    if (monitor_.joinable()) monitor_.join();
    std::vector<Task> tasks;
    {
        std::lock_guard lock(mu_);
        tasks.swap(tasks_);  // no new ones: spawners check stopping_
    }
    for (auto& t : tasks) {
        if (t.thread.joinable()) t.thread.join();
    }
    // Nobody reads exit notifications any more: shims that find no socket leave exit.json,
    // which restore() reads at the next start.
    ::unlink((options_.exec_root + "/engine.sock").c_str());
    // Containers keep running: their shims outlive the daemon.
}

void ContainerManager::spawn_locked(std::function<void()> fn) {
    for (auto it = tasks_.begin(); it != tasks_.end();) {
        if (it->done->load()) {
            it->thread.join();  // it has returned: done is its last store
            it = tasks_.erase(it);
        } else {
            ++it;
        }
    }
    auto done = std::make_shared<std::atomic<bool>>(false);
    std::thread t([fn = std::move(fn), done] {
        try {
            fn();
        } catch (...) {
        }
        done->store(true);
    });
    tasks_.push_back({std::move(t), std::move(done)});
}

std::string ContainerManager::container_dir(const std::string& id) const { return options_.data_root + "/containers/" + id; }
std::string ContainerManager::shim_dir(const std::string& id) const { return options_.exec_root + "/shims/" + id; }

std::shared_ptr<ContainerManager::Entry> ContainerManager::find_locked(const std::string& key) {
    if (key.empty()) throw Error(Errc::not_found, "No such container: ");
    if (auto it = containers_.find(key); it != containers_.end()) return it->second;
    std::string name = canonical_name(key);
    for (auto& [id, e] : containers_) {
        if (e->c.name == name) return e;
    }
    std::shared_ptr<Entry> match;
    for (auto& [id, e] : containers_) {
        if (id.rfind(key, 0) == 0) {
            if (match) throw Error(Errc::invalid_argument, "multiple IDs found with provided prefix: " + key);
            match = e;
        }
    }
    if (!match) throw Error(Errc::not_found, "No such container: " + key);
    return match;
}

std::shared_ptr<ContainerManager::Entry> ContainerManager::find(const std::string& key) {
    std::lock_guard lock(mu_);
    return find_locked(key);
}

std::string ContainerManager::resolve(const std::string& key) { return find(key)->c.id; }

void ContainerManager::save_locked(Entry& e) { store_->save(e.c); }

void ContainerManager::emit(const Container& c, const std::string& action, std::map<std::string, std::string> extra) {
    if (!options_.events) return;
    std::map<std::string, std::string> attrs = {{"name", c.name.substr(c.name.empty() ? 0 : 1)}, {"image", c.image}};
    if (c.config.contains("Labels") && c.config["Labels"].is_object()) {
        for (const auto& [k, v] : c.config["Labels"].items()) {
            if (v.is_string()) attrs[k] = v.get<std::string>();
        }
    }
    for (auto& [k, v] : extra) attrs[k] = v;
    try {
        options_.events->emit("container", action, c.id, attrs);
    } catch (...) {
        // An event consumer must not break the operation that produced the event.
    }
}

void ContainerManager::verify_settings(const Json& body) {
    verify_container_config(body);
    if (!body.contains("HostConfig") || !body["HostConfig"].is_object()) return;
    const Json& hc = body["HostConfig"];
    verify_host_config(hc);
    // Checked as they will be kept: what the host cannot do is dropped first (dockerd warns
    // before its range checks, so an unsupported weight of 5 is a warning, not a 400).
    Json kept = hc;
    (void)discard_unsupported_blkio(kept, host_blkio());
    verify_resources(kept, false, host_cpus());
    // moby looks the donor up at create (a 400 there); whether it runs is checked at start.
    for (const char* mode : {"PidMode", "IpcMode"}) {
        std::string m = json_string(hc, mode);
        if (m.rfind("container:", 0) != 0) continue;
        try {
            (void)find(m.substr(10));
        } catch (const Error& err) {
            if (err.code() == Errc::not_found) throw Error(Errc::invalid_argument, err.what());
            throw;
        }
    }
}

CreateResult ContainerManager::create(const Json& body, const std::string& requested_name,
                                      bool read_only_binds_non_recursive) {
    validate_create_request(body);
    verify_settings(body);
    CreateResult result;
    std::string image_ref = json_string(body, "Image");
    if (image_ref.empty()) throw Error(Errc::invalid_argument, "No image specified");
    image::Digest image_id = options_.images->resolve(image_ref);
    image::ImageConfig img = options_.images->config(image_id);
    auto record = options_.image_store->get_image(image_id);
    if (!record) throw Error(Errc::not_found, "No such image: " + image_ref);

    Json hc = body.contains("HostConfig") && body["HostConfig"].is_object() ? body["HostConfig"] : Json::object();
    // moby discards in the HostConfig it stores: inspect shows what the container runs with.
    result.warnings = discard_unsupported_blkio(hc, host_blkio());
    Json request_config = body;
    request_config.erase("HostConfig");
    request_config.erase("NetworkingConfig");
    Json config = merge_image_config(request_config, img.config);
    config["Image"] = image_ref;
    auto restart_policy = RestartPolicy::from_json(hc.value("RestartPolicy", Json::object()));
    if (json_bool(hc, "AutoRemove") && restart_policy.name != "no") {
        throw Error(Errc::invalid_argument, "conflicting options: cannot specify both --restart and --rm");
    }
    hc["RestartPolicy"] = restart_policy.to_json();
    if (!hc.contains("NetworkMode") || json_string(hc, "NetworkMode").empty()) hc["NetworkMode"] = "bridge";
    // As moby's create and adaptContainerSettings, so inspect shows the effective values:
    // the default masked and read-only paths of a non-privileged container, and the swap
    // limit an unset MemorySwap means (twice the memory limit).
    if (!json_bool(hc, "Privileged")) {
        if (!hc.contains("MaskedPaths") || hc["MaskedPaths"].is_null()) hc["MaskedPaths"] = default_masked_paths();
        if (!hc.contains("ReadonlyPaths") || hc["ReadonlyPaths"].is_null()) hc["ReadonlyPaths"] = default_readonly_paths();
    }
    if (json_int(hc, "Memory") > 0 && json_int(hc, "MemorySwap") == 0) hc["MemorySwap"] = 2 * json_int(hc, "Memory");
    // As Docker: the daemon's default runtime is written into the record at create.
    std::string runtime = json_string(hc, "Runtime");
    hc["Runtime"] = ContainerRuntime(options_, runtime.empty() ? options_.default_runtime : runtime).name();
    if (!hc.contains("LogConfig") || !hc["LogConfig"].is_object()) hc["LogConfig"] = Json::object();
    Json& log_config = hc["LogConfig"];
    std::string log_type = json_string(log_config, "Type");
    if (log_type.empty()) log_config["Type"] = log_type = options_.default_log_type;
    if (!log_config.contains("Config") || !log_config["Config"].is_object()) log_config["Config"] = Json::object();
    if (log_type == options_.default_log_type) {
        for (const auto& [k, v] : options_.default_log_opts) {
            if (!log_config["Config"].contains(k)) log_config["Config"][k] = v;
        }
    }
    if (log_type != "json-file" && log_type != "none") {
        throw unsupported_log_driver(log_type);
    }
    // Validate what would only fail at start, now, as far as it does not need the rootfs.
    if (read_only_binds_non_recursive) (void)volume::container_mounts(hc, false, true);
    (void)container_capabilities(hc);
    (void)oci_resources(hc);
    (void)parse_security_options(hc);
    auto [path, args] = command_of(config);
    if (path.empty()) throw Error(Errc::invalid_argument, "No command specified");

    auto e = std::make_shared<Entry>();
    Container& c = e->c;
    c.id = generate_id();
    c.created = rfc3339_nano_now();
    c.image = image_ref;
    c.image_id = image_id.str();
    if (!record->layers.empty()) c.top_layer = record->layers.back().str();
    c.path = path;
    c.args = args;
    c.config = config;
    c.host_config = hc;
    c.read_only_binds_non_recursive = read_only_binds_non_recursive;
    // --log-driver none keeps no log: no path (inspect's LogPath is "" then, as Docker's).
    if (log_type == "json-file") c.log_path = container_dir(c.id) + "/" + c.id + "-json.log";
    e->restart = RestartManager(restart_policy);

    std::optional<image::Digest> top;
    if (!c.top_layer.empty()) top = image::Digest::parse(c.top_layer);
    {
        std::lock_guard lock(mu_);
        if (!requested_name.empty()) {
            validate_name(requested_name);
            c.name = canonical_name(requested_name);
        } else {
            for (int retry = 0; c.name.empty(); ++retry) {
                std::string candidate = "/" + generate_name(retry);
                bool taken = false;
                for (auto& [id, other] : containers_) taken = taken || other->c.name == candidate;
                if (!taken) c.name = candidate;
            }
        }
        for (auto& [id, other] : containers_) {
            if (other->c.name == c.name) {
                throw Error(Errc::conflict, "Conflict. The container name \"" + c.name + "\" is already in use by container \"" +
                                                id + "\". You have to remove (or rename) that container to be able to reuse the name.");
            }
        }
        containers_[c.id] = e;  // reserves the name while the snapshot is made
    }
    try {
        options_.snapshotter->prepare(c.id, top, container_dir(c.id));
        std::lock_guard lock(mu_);
        // One transaction: a crash between the two never leaves a layer retained for a
        // container without a record (its dir is removed at the next start, see
        // remove_orphan_dirs, but a refcount would stay).
        state::Transaction tx(*options_.db);
        if (top) options_.image_store->retain_layer(*top);
        save_locked(*e);
        tx.commit();
    } catch (...) {
        std::lock_guard lock(mu_);
        containers_.erase(c.id);
        try {
            remove_all(container_dir(c.id));
        } catch (...) {
        }
        throw;
    }
    emit(c, "create");
    result.id = c.id;
    return result;
}

void ContainerManager::remove(const std::string& key, bool force, bool volumes) {
    auto e = find(key);
    std::unique_lock op(e->op);
    {
        std::lock_guard lock(mu_);
        if (e->removed) throw Error(Errc::not_found, "No such container: " + key);
        if (e->c.state.status == "removing") {
            throw Error(Errc::conflict, "removal of container " + e->c.id + " is already in progress");
        }
        if (e->c.state.running() || e->c.state.status == "restarting") {
            if (!force) {
                throw Error(Errc::conflict, "cannot remove container \"" + e->c.name + "\": container is " +
                                                (e->c.state.status == "paused" ? "paused" : "running") +
                                                ": stop the container before removing or force remove");
            }
        }
        e->c.manually_stopped = true;  // no restart policy may bring it back now
    }
    if (e->c.state.running()) {
        do_kill(*e, SIGKILL, true);
        std::unique_lock lock(mu_);
        cv_.wait_for(lock, std::chrono::seconds(15), [&] { return !e->c.state.running(); });
        if (e->c.state.running()) {
            throw Error(Errc::unavailable, "could not kill running container " + e->c.id + ", cannot remove");
        }
    }
    {
        std::lock_guard lock(mu_);
        e->c.state.status = "removing";
    }
    cleanup_after_exit(*e);
    std::optional<image::Digest> top;
    if (!e->c.top_layer.empty()) top = image::Digest::parse(e->c.top_layer);
    try {
        options_.snapshotter->remove(options_.snapshotter->get(e->c.id, top, container_dir(e->c.id)));
    } catch (const Error&) {
    }
    try {
        remove_all(container_dir(e->c.id));
    } catch (const Error& err) {
        // Not "removing" for good: dead, as dockerd leaves a container whose files it could not
        // remove, so another rm -f tries again.
        std::lock_guard lock(mu_);
        e->c.state.status = "dead";
        save_locked(*e);
        throw Error(err.code(), "unable to remove filesystem for " + e->c.id + ": " + err.what());
    }
    if (top) {
        try {
            options_.image_store->release_layer(*top);
        } catch (const Error&) {
        }
    }
    (void)volumes;  // anonymous volumes belong to the volume module
    {
        std::lock_guard lock(mu_);
        store_->remove(e->c.id);
        containers_.erase(e->c.id);
        for (auto it = execs_.begin(); it != execs_.end();) {
            it = it->second->container_id == e->c.id ? execs_.erase(it) : std::next(it);
        }
        e->removed = true;
    }
    cv_.notify_all();
    emit(e->c, "destroy");
}

void ContainerManager::rename(const std::string& key, const std::string& new_name) {
    auto e = find(key);
    validate_name(new_name);
    std::string name = canonical_name(new_name);
    std::string old;
    {
        std::lock_guard lock(mu_);
        if (e->c.name == name) {
            throw Error(Errc::invalid_argument, "Renaming a container with the same name as its current name");
        }
        for (auto& [id, other] : containers_) {
            if (other->c.name == name) {
                throw Error(Errc::conflict, "Conflict. The container name \"" + name + "\" is already in use by container \"" +
                                                id + "\". You have to remove (or rename) that container to be able to reuse the name.");
            }
        }
        old = e->c.name;
        e->c.name = name;
        try {
            save_locked(*e);
        } catch (...) {
            e->c.name = old;
            throw;
        }
    }
    emit(e->c, "rename", {{"oldName", old}});
}

std::vector<std::string> ContainerManager::update(const std::string& key, const Json& body_in) {
    auto e = find(key);
    validate_update_request(body_in);
    Json body = body_in;
    std::vector<std::string> warnings = discard_unsupported_blkio(body, host_blkio());
    verify_resources(body, true, host_cpus());
    std::lock_guard op(e->op);
    Json hc;
    {
        std::lock_guard lock(mu_);
        hc = e->c.host_config;
    }
    const Json old_hc = hc;
    // As moby's UpdateContainer: a zero or empty value means "unchanged" (the docker CLI sends
    // every field, Memory: 0 included, with `update --restart`); PidsLimit is a pointer there,
    // so any value given replaces it.
    static const char* kResourceKeys[] = {"Memory", "MemorySwap", "MemoryReservation", "NanoCpus", "CpuShares", "CpuQuota",
                                          "CpuPeriod", "CpusetCpus", "CpusetMems", "BlkioWeight"};
    auto given = [&](const char* k) {
        if (!body.contains(k) || body[k].is_null()) return false;
        const Json& v = body[k];
        return !((v.is_number() && v.get<int64_t>() == 0) || (v.is_string() && v.get_ref<const std::string&>().empty()));
    };
    if (given("Memory") && !given("MemorySwap")) {
        int64_t swap = json_int(hc, "MemorySwap"), memory = body["Memory"].get<int64_t>();
        // Docker records an unset swap as twice the memory limit.
        if (swap == 0 && json_int(hc, "Memory") > 0) swap = 2 * json_int(hc, "Memory");
        if (swap != -1 && memory > swap) {
            throw Error(Errc::conflict, "Cannot update container " + e->c.id +
                                            ": Memory limit should be smaller than already set memoryswap limit, "
                                            "update the memoryswap at the same time");
        }
    }
    for (const char* k : kResourceKeys) {
        if (given(k)) hc[k] = body[k];
    }
    if (body.contains("PidsLimit") && body["PidsLimit"].is_number_integer()) hc["PidsLimit"] = body["PidsLimit"];
    // A device list given (not null) replaces the container's; the docker CLI sends null. One
    // the host cannot apply (discarded above, with a warning) leaves the container's as it is.
    // A device dropped from a list gets its limit lifted below (lift_dropped_throttles).
    for (const char* k : kBlkioDeviceKeys) {
        if (!body.contains(k) || !body[k].is_array()) continue;
        if (body[k] != body_in[k]) continue;  // discarded
        hc[k] = body[k];
    }
    if (body.contains("RestartPolicy") && body["RestartPolicy"].is_object() && body["RestartPolicy"].contains("Name")) {
        auto p = RestartPolicy::from_json(body["RestartPolicy"]);
        if (p.name != "no" && json_bool(hc, "AutoRemove")) {
            throw Error(Errc::invalid_argument, "Restart policy cannot be updated because AutoRemove is enabled for the container");
        }
        hc["RestartPolicy"] = p.to_json();
    }
    Json resources = oci_resources(hc);
    {
        Json block_io = resources.value("blockIO", Json::object());
        lift_dropped_throttles(old_hc, block_io);
        if (!block_io.empty()) resources["blockIO"] = block_io;
    }
    bool running;
    {
        std::lock_guard lock(mu_);
        running = e->c.state.running();
    }
    if (running) {
        ContainerRuntime(options_, runtime_name(hc)).update(e->c.id, resources);
    }
    {
        std::lock_guard lock(mu_);
        e->c.host_config = hc;
        e->restart.set_policy(RestartPolicy::from_json(hc["RestartPolicy"]));
        save_locked(*e);
    }
    emit(e->c, "update");
    return warnings;
}

Json ContainerManager::prune(const std::map<std::string, std::vector<std::string>>& filters) {
    // As moby's ContainersPrune: until (created before a time or a duration ago) and
    // label / label! select, with the image prune's parsing of them.
    std::optional<int64_t> until;
    if (auto it = filters.find("until"); it != filters.end() && !it->second.empty())
        until = image::detail::parse_until(it->second.back());
    std::vector<std::string> candidates;
    {
        std::lock_guard lock(mu_);
        for (auto& [id, e] : containers_) {
            const auto& s = e->c.state.status;
            if (s != "exited" && s != "created" && s != "dead") continue;
            if (until && image::detail::parse_rfc3339(e->c.created).value_or(0) > *until) continue;
            std::map<std::string, std::string> labels;
            if (auto l = e->c.config.find("Labels"); l != e->c.config.end() && l->is_object())
                for (const auto& [k, v] : l->items())
                    if (v.is_string()) labels[k] = v.get<std::string>();
            if (!image::detail::match_labels(filters, labels)) continue;
            candidates.push_back(id);
        }
    }
    Json deleted = Json::array();
    uint64_t reclaimed = 0;
    for (const auto& id : candidates) {
        // As moby's ContainersPrune: each removed container's writable layer counts, measured
        // before the removal takes it.
        uint64_t rw = 0;
        try {
            std::string top_layer;
            {
                std::lock_guard lock(mu_);
                auto it = containers_.find(id);
                if (it == containers_.end()) continue;
                top_layer = it->second->c.top_layer;
            }
            std::optional<image::Digest> top;
            if (!top_layer.empty()) top = image::Digest::parse(top_layer);
            auto snap = options_.snapshotter->get(id, top, container_dir(id));
            int64_t n = directory_size(snap.upper);
            rw = n > 0 ? static_cast<uint64_t>(n) : 0;
        } catch (const std::exception&) {
        }
        try {
            remove(id, false, false);
            deleted.push_back(id);
            reclaimed += rw;
        } catch (const Error&) {
        }
    }
    return {{"ContainersDeleted", deleted.empty() ? Json(nullptr) : deleted}, {"SpaceReclaimed", reclaimed}};
}

// A commit paused the container and berthd died before it unpaused (the marker says so): thaw
// it, or it stays frozen for good. Not one a user paused: that pause leaves no marker.
void ContainerManager::resume_after_commit(Entry& e, bool alive, std::vector<std::string>& report) {
    if (alive) {
        try {
            ContainerRuntime(options_, runtime_name(e.c.host_config)).resume(e.c.id);
        } catch (const Error& err) {
            // Killed between the marker and the freeze: it was never paused.
            report.push_back("container " + e.c.id.substr(0, 12) + ": resume after an unfinished commit: " + err.what());
        }
        std::lock_guard lock(mu_);
        if (e.c.state.status == "paused") e.c.state.status = "running";
        save_locked(e);
        report.push_back("container " + e.c.id.substr(0, 12) + " was paused by a commit the daemon did not finish; unpaused it");
    }
    clear_commit_pause(container_dir(e.c.id));
}

std::vector<std::string> ContainerManager::restore() {
    std::vector<std::string> report;
    std::vector<std::shared_ptr<Entry>> to_check, to_restart;
    std::vector<std::string> to_remove;
    {
        std::lock_guard lock(mu_);
        for (auto& c : store_->load_all()) {
            auto e = std::make_shared<Entry>();
            e->c = std::move(c);
            e->restart = RestartManager(RestartPolicy::from_json(e->c.host_config.value("RestartPolicy", Json::object())));
            e->restart.set_restart_count(e->c.restart_count);
            if (e->c.state.status == "removing") e->c.state.status = "dead";
            containers_[e->c.id] = e;
            if (e->c.state.running() || e->c.state.status == "restarting") {
                to_check.push_back(e);
            } else if ((e->c.state.status == "exited" || e->c.state.status == "dead") && e->c.has_been_started &&
                       json_bool(e->c.host_config, "AutoRemove")) {
                // --rm whose removal the daemon did not get to (it stopped first): as dockerd.
                to_remove.push_back(e->c.id);
            } else if (e->c.state.status == "exited" && e->c.has_been_started &&
                       e->restart.should_restart_stopped(e->c.state.exit_code, e->c.manually_stopped)) {
                // Stopped while its policy wanted it up (it exited while the daemon stopped):
                // dockerd starts these at boot.
                to_restart.push_back(e);
            }
        }
    }
    {
        std::lock_guard lock(mu_);
        for (const auto& [id, e] : containers_) {
            if (e->c.state.running() || e->c.state.status == "restarting") continue;
            if (unmount_leftover_rootfs(e->c)) report.push_back("container " + id.substr(0, 12) + ": unmounted a leftover rootfs mount");
            release_shareable_shm(container_dir(id));  // --ipc shareable's, if a start was cut short
        }
    }
    recover_interrupted_copies(report);
    remove_orphan_dirs(report);
    for (auto& e : to_check) {
        if (e->c.state.status == "restarting") {
            // The daemon went down during the restart backoff: its exit is recorded already.
            report.push_back("container " + e->c.id.substr(0, 12) + " was restarting; restarting it now");
            schedule_restart(e->c.id, std::chrono::milliseconds(0));
            continue;
        }
        std::string sdir = shim_dir(e->c.id);
        bool alive = e->c.shim_pid > 0 && runtime::process_alive(e->c.shim_pid, e->c.shim_start);
        if (commit_pause_marked(container_dir(e->c.id))) resume_after_commit(*e, alive, report);
        if (alive) {
            try {
                auto st = shim::call(sdir, {{"op", "status"}}, nullptr, 2000);
                if (st.value("status", "") == "running") {
                    e->started_at = std::chrono::steady_clock::now();
                    {
                        // Docker restarts the healthcheck of a restored container afresh.
                        std::lock_guard lock(mu_);
                        reset_health_for_start(e->c.state, HealthSettings::from_config(e->c.config).has_value());
                        start_health_monitor_locked(*e);
                    }
                    report.push_back("container " + e->c.id.substr(0, 12) + " still running (shim pid " + std::to_string(e->c.shim_pid) + ")");
                    continue;
                }
            } catch (const Error&) {
            }
            continue;  // the shim is finishing: its notification or the watchdog records the exit
        }
        // handle_exit applies the restart policy (and counts the restart) like any exit.
        if (auto exit = shim::read_exit_status(sdir)) {
            report.push_back("container " + e->c.id.substr(0, 12) + " exited with " + std::to_string(exit->exit_code) +
                             " while the daemon was down");
            handle_exit(e->c.id, exit->exit_code, exit->oom_killed, exit->finished_at);
        } else {
            report.push_back("container " + e->c.id.substr(0, 12) + " lost its shim; marked exited (255)");
            handle_exit(e->c.id, 255, false, rfc3339_nano_now());
        }
    }
    for (auto& e : to_restart) {
        {
            std::lock_guard lock(mu_);
            e->c.state.status = "restarting";
            save_locked(*e);
        }
        report.push_back("container " + e->c.id.substr(0, 12) + " is stopped but its restart policy is " +
                         e->restart.policy().name + "; starting it");
        schedule_restart(e->c.id, std::chrono::milliseconds(0));
    }
    for (const auto& id : to_remove) {
        try {
            remove(id, true, true);
            report.push_back("container " + id.substr(0, 12) + " (--rm) exited before it was removed; removed it");
        } catch (const Error& err) {
            report.push_back("container " + id.substr(0, 12) + " (--rm) could not be removed: " + err.what());
        }
    }
    return report;
}

}  // namespace berth::engine
