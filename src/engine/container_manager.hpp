#pragma once
// The container engine: what the API's container and exec routers call. Thread-safe; every
// change of a record is one SQLite transaction. Shapes follow Engine API v1.47.
//
// Layout: <data_root>/containers/<id>/ (config.json, rootfs/ upper/ work/, hosts, hostname,
// resolv.conf, <id>-json.log), <exec_root>/shims/<id>/ (shim control socket, exit.json),
// <exec_root>/runtime/ (libberth-runtime state), <exec_root>/runtimes/<name>/ (an external
// runtime's --root), <exec_root>/engine.sock (shim exit
// notifications, datagrams).
//
// Errors are berth::Error with Docker's messages: not_found "No such container: x",
// conflict for names and state, invalid_argument for bad configs.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "common/json_reader.hpp"
#include "common/unique_fd.hpp"
#include "engine/etc_files.hpp"
#include "engine/container.hpp"
#include "engine/events.hpp"
#include "engine/log_reader.hpp"
#include "engine/namespace_modes.hpp"

namespace berth::state {
class Database;
}
namespace berth::image {
class ImageService;
class ImageStore;
}  // namespace berth::image
namespace berth::storage {
class Snapshotter;
}

namespace berth::engine {

class ContainerStore;

struct ManagerOptions {
    std::string data_root;
    std::string exec_root;
    std::string shim_path;      // berth-shim
    // berth-runtime, the built-in runtime's command line: a shim runs an exec through it when
    // the exec must start from a sealed copy of the runtime (shim::Options::sealed_exec_runtime).
    std::string runtime_cli_path;
    std::string init_path;      // berth-init (for HostConfig.Init)
    Json seccomp_profile;       // Docker-format default profile; null: the embedded one
    // OCI runtimes besides the built-in "berth" (--add-runtime name=path), and the one for
    // containers that name none (container_runtime.hpp).
    std::map<std::string, std::string> runtimes;
    std::string default_runtime = "berth";
    // The log config of containers that name no driver; its options fill in what a
    // container of that driver does not set (dockerd's mergeAndVerifyLogConfig).
    std::string default_log_type = "json-file";
    std::map<std::string, std::string> default_log_opts;
    // dockerd's container defaults: DNS parts a container does not set, and ulimits
    // (HostConfig.Ulimits entries) for names its own Ulimits lack. Applied at each start.
    DnsSettings default_dns;
    Json default_ulimits = Json::array();
    EventSink* events = nullptr;
    state::Database* db = nullptr;
    image::ImageService* images = nullptr;
    image::ImageStore* image_store = nullptr;
    storage::Snapshotter* snapshotter = nullptr;
};

struct CreateResult {
    std::string id;
    std::vector<std::string> warnings;
};

struct ListOptions {
    bool all = false;
    int limit = -1;
    bool size = false;
    std::map<std::string, std::vector<std::string>> filters;  // status, name, id, label, exited, ancestor
};

struct WaitResult {
    int status_code = 0;
    std::string error;
};

struct AttachOptions {
    bool stdin_ = false, stdout_ = true, stderr_ = true;
    std::chrono::milliseconds wait_for_start{std::chrono::minutes(5)};
};

// A connected stream to a container's or exec's stdio (shim/protocol.hpp raw phase):
// without a tty, output arrives already framed in Docker's multiplexed format.
struct AttachStream {
    UniqueFd fd;
    bool tty = false;
};

struct ExecStartOptions {
    bool detach = false;
    bool tty = false;
    unsigned height = 0, width = 0;
};

// What `commit` hands to the image library (container_commit.cpp).
struct CommitSource {
    std::string id;
    std::string image_id;  // "sha256:..."; empty for a container without an image
    Json config;           // the container's Config
    std::string upper;     // its writable layer, overlay form
    std::vector<std::string> lowers;
    std::vector<std::string> mount_stubs;  // engine-made mount points to leave out (mount_stubs.hpp)
};

struct CommitResult {
    std::string image_id;
    std::string image_ref;  // familiar reference it was tagged with; empty: none
};

class ContainerManager {
public:
    explicit ContainerManager(ManagerOptions options);
    ~ContainerManager();
    ContainerManager(const ContainerManager&) = delete;
    ContainerManager& operator=(const ContainerManager&) = delete;

    // Loads the records and reconciles them with the shims (live ones found again, exits
    // while the daemon was down recorded, restart policies applied). Returns what it repaired.
    std::vector<std::string> restore();

    // `body` is a ContainerCreateRequest (ContainerConfig + HostConfig + NetworkingConfig).
    // read_only_binds_non_recursive: the client speaks API < 1.44 (see Container).
    CreateResult create(const Json& body, const std::string& name = "",
                        bool read_only_binds_non_recursive = false);
    // false when it was already running (the API answers 304).
    bool start(const std::string& name_or_id);
    // timeout < 0: the container's StopTimeout or 10 s. false when it was not running (304).
    bool stop(const std::string& name_or_id, int timeout_s = -1, const std::string& signal = "");
    void kill(const std::string& name_or_id, const std::string& signal = "SIGKILL");
    void restart(const std::string& name_or_id, int timeout_s = -1, const std::string& signal = "");
    void pause(const std::string& name_or_id);
    void unpause(const std::string& name_or_id);
    // condition: "not-running" (default), "next-exit", "removed". `registered` (optional) is
    // called, without the manager's lock, once the waiter's starting point is taken: no exit
    // after that call can be missed (the API sends its 200 header then, as dockerd does, and
    // `docker run` starts the container only after it). Throws unavailable once shutdown()
    // was called, so no wait outlives the daemon.
    // `abandoned` (optional, called about once a second without the lock): the waiter's
    // client is gone; the wait ends with unavailable instead of holding a thread until exit.
    WaitResult wait(const std::string& name_or_id, const std::string& condition = "not-running",
                    const std::function<void()>& registered = {}, const std::function<bool()>& abandoned = {});
    // The daemon is stopping: blocked and future waits end with unavailable, the notify
    // socket goes away. Containers keep running in their shims.
    void shutdown();
    void remove(const std::string& name_or_id, bool force = false, bool volumes = false);
    void rename(const std::string& name_or_id, const std::string& new_name);
    // Update: resources and RestartPolicy of a HostConfig-shaped body; returns warnings.
    std::vector<std::string> update(const std::string& name_or_id, const Json& body);

    std::vector<Json> list(const ListOptions& options = {});  // ContainerSummary
    Json inspect(const std::string& name_or_id, bool size = false);  // ContainerInspectResponse
    // The id for a full id, a unique id prefix, or a name (with or without "/").
    std::string resolve(const std::string& name_or_id);

    void logs(const std::string& name_or_id, LogReadOptions options, const std::function<bool(const LogEntry&)>& sink);
    AttachStream attach(const std::string& name_or_id, const AttachOptions& options);
    void resize(const std::string& name_or_id, unsigned height, unsigned width);
    Json top(const std::string& name_or_id, const std::string& ps_args = "-ef");  // {Titles, Processes}
    Json stats(const std::string& name_or_id);  // Docker's stats JSON (one sample)
    std::vector<Json> changes(const std::string& name_or_id);  // [{Path, Kind}]
    void export_rootfs(const std::string& name_or_id, int out_fd);  // tar of the merged rootfs
    // Runs `fn` with an O_PATH fd of the merged rootfs (rootfs_access.cpp). A created or
    // exited container's snapshot is mounted for the call and unmounted after, even on
    // error. Holds the container's op lock, so a start, stop or remove waits until done.
    // With binds (docker cp), the container's bind mounts are in place in that view
    // (bind_view.hpp); export and diff want the layers alone.
    enum class RootfsView { layers, with_binds };
    void with_rootfs(const std::string& name_or_id, const std::function<void(int rootfs_fd)>& fn,
                     RootfsView view = RootfsView::layers);
    // docker cp into the container (copy_recovery.cpp): `fn` runs as with_rootfs's, with the
    // binds, and gets the path its apply's write-ahead log must have (image/apply_log.hpp),
    // outside the rootfs. A copy an earlier berthd did not finish is rolled back first.
    void with_rootfs_for_copy(const std::string& name_or_id,
                              const std::function<void(int rootfs_fd, const std::string& log)>& fn);
    // docker cp into `path` (lexical, absolute), as moby: "mounted volume is marked read-only"
    // when a read-only mount of the container holds it, "container rootfs is marked
    // read-only" when no mount holds it and the container has --read-only (invalid_argument).
    void check_writable_path(const std::string& name_or_id, const std::string& path);
    // docker commit (container_commit.cpp): `make_image` runs with the container held (op
    // lock; paused meanwhile when `pause` and running); then the commit event is emitted.
    CommitResult commit(const std::string& name_or_id, bool pause, const std::string& comment,
                        const std::function<CommitResult(const CommitSource&)>& make_image);

    // Exec (kept in memory, like Docker). exec_create: an ExecConfig body; returns the exec id.
    std::string exec_create(const std::string& name_or_id, const Json& exec_config);
    // Attached: the stream; detached: an empty stream.
    AttachStream exec_start(const std::string& exec_id, const ExecStartOptions& options);
    Json exec_inspect(const std::string& exec_id);
    void exec_resize(const std::string& exec_id, unsigned height, unsigned width);

    // Prune stopped containers; returns {ContainersDeleted, SpaceReclaimed}.
    Json prune(const std::map<std::string, std::vector<std::string>>& filters = {});

    const ManagerOptions& options() const { return options_; }

private:
    struct Entry;
    struct Exec;
    friend struct ManagerInternals;
    std::shared_ptr<Entry> find(const std::string& name_or_id);
    // A create request as moby's verifyContainerSettings checks it (settings_check.hpp), and
    // the containers that --pid/--ipc container:X name must exist.
    void verify_settings(const Json& body);
    std::shared_ptr<Entry> find_locked(const std::string& name_or_id);
    void save_locked(Entry& e);
    void resume_after_commit(Entry& e, bool alive, std::vector<std::string>& report);
    void emit(const Container& c, const std::string& action, std::map<std::string, std::string> extra = {});
    // Polls a started exec's status until it ends, then records its code and emits
    // "exec_die" as dockerd does (the shim does not notify exec exits).
    void watch_exec_exit(std::shared_ptr<Exec> x);
    std::string container_dir(const std::string& id) const;
    // At restore: removes containers/<id>/ dirs without a record (orphan_dirs.cpp).
    void remove_orphan_dirs(std::vector<std::string>& report);
    // At restore: rolls back the copies into containers that berthd's death cut short.
    void recover_interrupted_copies(std::vector<std::string>& report);
    // At restore: unmounts the rootfs of a container that is not running (left mounted by a
    // daemon killed during with_rootfs); true when there was one (rootfs_access.cpp).
    bool unmount_leftover_rootfs(const Container& c);
    std::string shim_dir(const std::string& id) const;
    void do_start(Entry& e, bool from_restart_policy);
    // The running container `key` whose `kind` namespace container `id` joins at start, or
    // moby's error (namespace_modes.hpp).
    JoinedContainer join_container(const std::string& id, const std::string& kind, const std::string& key);
    bool do_stop(Entry& e, int timeout_s, const std::string& signal);
    void do_kill(Entry& e, int signal, bool emit_event);
    void handle_exit(const std::string& id, int exit_code, bool oom_killed, const std::string& finished_at);
    void cleanup_after_exit(Entry& e);
    void schedule_restart(const std::string& id, std::chrono::milliseconds delay);
    void monitor_loop();
    void watchdog();
    // health_monitor.cpp: Docker's healthchecks, one thread per monitored container.
    struct HealthRun;
    void start_health_monitor_locked(Entry& e);  // mu_ held; no-op without a probe or when not running
    void stop_health_monitor_locked(Entry& e);   // mu_ held; never waits for the thread
    void health_loop(const std::string& id, const std::shared_ptr<HealthRun>& run);

    ManagerOptions options_;
    std::unique_ptr<ContainerStore> store_;
    std::mutex mu_;
    std::condition_variable cv_;
    std::map<std::string, std::shared_ptr<Entry>> containers_;
    std::map<std::string, std::shared_ptr<Exec>> execs_;
    UniqueFd notify_fd_;
    bool stopping_ = false;       // the destructor runs: the monitor and timers end
    bool shutting_down_ = false;  // shutdown(): waits end
    std::thread monitor_;
    // Restart timers and auto-removals. A finished thread is joined when the next one is
    // spawned (a detached or never-joined one would outlive the manager or keep its stack),
    // the rest at destruction.
    struct Task {
        std::thread thread;
        std::shared_ptr<std::atomic<bool>> done;
    };
    void spawn_locked(std::function<void()> fn);
    std::vector<Task> tasks_;
    int health_threads_ = 0;  // live health monitors (detached); the destructor waits for 0
    // Wakes sleeping health monitors (with mu_). Apart from cv_ so that stopping a monitor
    // does not wake the waiters for state changes before the change is complete.
    std::condition_variable health_cv_;
};

}  // namespace berth::engine
