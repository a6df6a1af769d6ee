#pragma once
// What the containers router needs from the engine (moby's router/container Backend). The
// router decodes requests and encodes responses; the backend does the work. Kept in api/ so
// the router builds and is unit-tested with a fake; the daemon implements it over
// engine::ContainerManager. Shapes are Engine API v1.47 JSON; errors are berth::Error with
// Docker's messages ("No such container: x" not_found, name conflicts conflict).
#include <cstdint>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "common/unique_fd.hpp"

namespace berth::api {

using Json = nlohmann::json;
using FilterMap = std::map<std::string, std::vector<std::string>>;

struct ContainerListOptions {
    bool all = false;
    int limit = -1;
    bool size = false;
    FilterMap filters;  // id, name, label, status, ancestor, exited (before/since: the router)
};

struct WaitOutcome {
    int status_code = 0;
    std::string error;  // empty: null in the response
};

// A connected stdio stream of a container or exec: without a tty the output arrives already
// framed in Docker's multiplexed format; writes go to the process's stdin and a
// shutdown(SHUT_WR) closes it.
struct StdioStream {
    UniqueFd fd;
    bool tty = false;
};

struct LogsRequest {
    bool stdout_ = false, stderr_ = false;
    bool follow = false, timestamps = false;
    bool details = false;  // the log-opt attributes before each line (docker logs --details)
    std::string since, until;  // as the client sent them (unix seconds, RFC 3339, durations)
    int64_t tail = -1;         // -1: all
};

struct AttachRequest {
    bool stdin_ = false, stdout_ = false, stderr_ = false;
};

// docker cp: what HEAD/GET /archive report about a path (X-Docker-Container-Path-Stat).
struct PathStat {
    std::string name;
    int64_t size = 0;
    uint32_t mode = 0;  // Go's os.FileMode bits (ModeDir 1<<31, ModeSymlink 1<<27, ...)
    std::string mtime;  // RFC 3339
    std::string link_target;
};

class ContainerBackend {
  public:
    virtual ~ContainerBackend() = default;

    // {"Id", "Warnings"}. legacy_read_only_binds: the client speaks API < 1.44, whose read-only
    // binds are read-only on their top mount only (Docker 25 made them recursive).
    virtual Json create(const Json& body, const std::string& name, bool legacy_read_only_binds) = 0;
    virtual bool start(const std::string& id) = 0;  // false: already running (304)
    virtual bool stop(const std::string& id, int timeout_s, const std::string& signal) = 0;
    virtual void kill(const std::string& id, const std::string& signal) = 0;
    virtual void restart(const std::string& id, int timeout_s, const std::string& signal) = 0;
    virtual void pause(const std::string& id) = 0;
    virtual void unpause(const std::string& id) = 0;
    // Blocks until `condition` holds. Calls `registered` once the wait is in place and no exit
    // can be missed any more: the router sends its response headers then, because Docker's
    // clients post wait before start and wait for those headers. `abandoned` (checked about
    // once a second) says the client went away: the wait then ends (unavailable), as dockerd
    // cancels it with the request (`docker run -d` posts a wait and leaves).
    virtual WaitOutcome wait(const std::string& id, const std::string& condition,
                             const std::function<void()>& registered,
                             const std::function<bool()>& abandoned = {}) = 0;
    virtual void remove(const std::string& id, bool force, bool volumes) = 0;
    virtual void rename(const std::string& id, const std::string& new_name) = 0;
    virtual std::vector<std::string> update(const std::string& id, const Json& body) = 0;

    virtual std::vector<Json> list(const ContainerListOptions& options) = 0;
    virtual Json inspect(const std::string& id, bool size) = 0;
    virtual std::string resolve(const std::string& id) = 0;  // full id

    // Calls sink(stream 1|2, text) per entry, text already carrying the timestamp prefix when
    // asked; sink returns false to stop.
    virtual void logs(const std::string& id, const LogsRequest& request,
                      const std::function<bool(int, std::string_view)>& sink) = 0;
    // Blocks until the container runs (an attach before start is how `docker run` works).
    virtual StdioStream attach(const std::string& id, const AttachRequest& request) = 0;
    virtual void resize(const std::string& id, unsigned height, unsigned width) = 0;
    virtual Json top(const std::string& id, const std::string& ps_args) = 0;
    virtual Json stats(const std::string& id) = 0;
    virtual Json changes(const std::string& id) = 0;  // [{Path, Kind}]
    virtual void export_rootfs(const std::string& id, int out_fd) = 0;
    virtual Json prune(const FilterMap& filters) = 0;  // {ContainersDeleted, SpaceReclaimed}

    // docker cp. stat_path: not_found when the path is missing. get_archive writes a tar of
    // the path (named by its base name) to out_fd; put_archive extracts a tar read from in_fd
    // into the directory `path`.
    virtual PathStat stat_path(const std::string& id, const std::string& path) = 0;
    virtual void get_archive(const std::string& id, const std::string& path, int out_fd) = 0;
    virtual void put_archive(const std::string& id, const std::string& path, int in_fd,
                             bool no_overwrite_dir_non_dir) = 0;
};

}  // namespace berth::api
