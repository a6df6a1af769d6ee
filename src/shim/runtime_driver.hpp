#pragma once
// The OCI runtime behind one shim, chosen once at start (make_runtime_driver):
//  - in-process: libberth-runtime called directly (the default and the fast path: no exec of
//    a runtime binary);
//  - external: a runc-compatible binary (--runtime-binary, e.g. /usr/sbin/runc) run once per
//    operation, as containerd's runc shim does. The container's init (and every exec) is a
//    grandchild that the shim adopts as subreaper once the runtime's process exits, so exits
//    are reaped and recorded exactly as with the in-process runtime.
// Everything else in the shim (stdio, logs, clients, exit records) is the same for both.
#include <sys/types.h>

#include <memory>
#include <string>

#include "common/json_reader.hpp"
#include "common/unique_fd.hpp"

namespace berth::shim {

struct Options;

// The stdio of a new process: without a terminal, the descriptors it gets as 0, 1, 2 (-1:
// /dev/null; the caller keeps ownership); with one, the runtime makes a pty and hands back
// its master.
struct ProcessIo {
    bool terminal = false;
    int stdio[3] = {-1, -1, -1};
};

struct Spawned {
    pid_t pid = 0;
    UniqueFd pty_master;  // with a terminal
};

class RuntimeDriver {
  public:
    virtual ~RuntimeDriver() = default;
    // Creates the container; its init waits for start().
    virtual Spawned create(const ProcessIo& io) = 0;
    virtual void start() = 0;
    // Errc::conflict when the container is not running.
    virtual void kill(int signal, bool all) = 0;
    // Starts `process` (an OCI process object) in the running container, detached: the process
    // ends up the shim's child (reaped by the shim's loop).
    virtual Spawned exec(const std::string& exec_id, const Json& process, const ProcessIo& io) = 0;
    // linux.cgroupsPath of the container ("" when unknown), for the OOM check before remove().
    virtual std::string cgroup_path() = 0;
    // Deletes the container: whatever is left in its cgroup, the cgroup, the runtime's state.
    virtual void remove() = 0;
};

// In-process without options.runtime_binary, else the external binary.
std::unique_ptr<RuntimeDriver> make_runtime_driver(const Options& options);
std::unique_ptr<RuntimeDriver> make_in_process_driver(const Options& options);
std::unique_ptr<RuntimeDriver> make_external_driver(const Options& options);

}  // namespace berth::shim
