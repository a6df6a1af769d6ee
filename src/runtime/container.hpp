#pragma once
// The runtime's operations on containers, as the `berth-runtime` commands and the shim use them.
#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "common/json_reader.hpp"
#include "runtime/spec.hpp"
#include "runtime/state_store.hpp"

namespace berth::runtime {

namespace cgroups {
class Cgroup;
}

struct CreateOptions {
    std::string bundle = ".";
    std::string pid_file;
    std::string console_socket;
    bool no_pivot = false;
    // For an embedding caller (berth-shim): descriptors the init gets as its stdin, stdout and
    // stderr (dup2'd in the child; -1 inherits the caller's own), and an already connected
    // console socket to use instead of connecting to `console_socket` (terminal mode: the pty
    // master is sent over it). All must be > 2; the caller keeps ownership.
    int stdio[3] = {-1, -1, -1};
    int console_fd = -1;
    unsigned preserve_fds = 0;  // the caller's fds 3 .. 3+n-1 go to the container (runc --preserve-fds)
};

struct ExecOptions {
    std::optional<Process> process;  // --process FILE, else built from the fields below
    std::vector<std::string> args;
    std::vector<std::string> env;
    std::string cwd;
    std::optional<uint32_t> uid, gid;
    std::vector<uint32_t> additional_gids;
    bool tty = false;
    bool detach = false;
    std::string pid_file;
    std::string console_socket;
    std::vector<std::string> cap_add;
    bool no_new_privs = false;
    unsigned preserve_fds = 0;
    // When the process could reach the runtime's image (self_protect.hpp), exec first
    // re-executes this program from a sealed copy with the same argv: fine for a command line.
    // A long-lived caller (berth-shim) sets this false and gets SealedCopyNeeded instead.
    bool may_reexec = true;
};

// Thrown by Runtime::exec without may_reexec, before it has done anything.
struct SealedCopyNeeded : Error {
    SealedCopyNeeded() : Error(Errc::unavailable, "this exec must start from a sealed copy of the runtime") {}
};

enum class Status { creating, created, running, paused, stopped };
const char* status_name(Status status);

class Runtime {
public:
    explicit Runtime(std::string root) : store_(std::move(root)) {}

    // Sets up the container and leaves its init waiting for start. Returns its pid.
    pid_t create(const std::string& id, const CreateOptions& options);
    void start(const std::string& id);
    // create + start; without detach, waits, forwards signals, deletes, returns the exit code.
    int run(const std::string& id, const CreateOptions& options, bool detach);
    void kill(const std::string& id, int signal, bool all);
    void remove(const std::string& id, bool force);
    Json state(const std::string& id);
    std::vector<Json> list();
    void pause(const std::string& id);
    void resume(const std::string& id);
    void update(const std::string& id, const Resources& resources);
    std::vector<pid_t> pids(const std::string& id);
    Json stats(const std::string& id);
    // Runs a process in the container; returns its exit code (0 once started with detach).
    int exec(const std::string& id, const ExecOptions& options);

    Status status(const ContainerRecord& record);
    const StateStore& store() const { return store_; }

private:
    ContainerRecord load_running(const std::string& id, const char* action);
    // Removes everything of a container: processes left in its cgroup (unless `emptied`), the
    // cgroup, then poststop hooks and the state. `spec` and `cgroup` may be given to spare
    // reading them again.
    void destroy(const ContainerRecord& record, const Spec* spec = nullptr, cgroups::Cgroup* cgroup = nullptr,
                 bool emptied = false);
    StateStore store_;
};

// The OCI state JSON (state-schema.json) of a record.
Json oci_state(const ContainerRecord& record, Status status);

}  // namespace berth::runtime
