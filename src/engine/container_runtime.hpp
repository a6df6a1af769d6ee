#pragma once
// The OCI runtime a container runs on (HostConfig.Runtime), and what the engine does to it
// without going through its shim: pause, resume, update, pids (top), stats, a last delete.
//   "berth" (kBuiltinRuntime): libberth-runtime called in-process on <exec_root>/runtime;
//   any other name: a runc-compatible binary added with --add-runtime (daemon.json
//   "runtimes"), run as `<path> --root <exec_root>/runtimes/<name> <command> <id>`.
// The shim gets the same choice (shim::Options::runtime_binary / runtime_root).
#include <sys/types.h>

#include <string>
#include <vector>

#include "common/json_reader.hpp"

namespace berth::engine {

struct ManagerOptions;

constexpr const char* kBuiltinRuntime = "berth";

// HostConfig.Runtime of a stored container; records from before runtimes were chosen ran on
// the built-in one.
std::string runtime_name(const Json& host_config);

class ContainerRuntime {
  public:
    // invalid_argument "unknown or invalid runtime name: x" (Docker's words) for a name that is
    // neither berth nor one the daemon was configured with.
    ContainerRuntime(const ManagerOptions& options, const std::string& name);

    bool builtin() const { return binary_.empty(); }
    const std::string& name() const { return name_; }
    const std::string& binary() const { return binary_; }  // empty for the built-in runtime
    const std::string& root() const { return root_; }      // the runtime's state directory

    void pause(const std::string& id) const;
    void resume(const std::string& id) const;
    void update(const std::string& id, const Json& oci_resources) const;
    std::vector<pid_t> pids(const std::string& id) const;
    // runc's `events --stats` data: {cpu, memory, pids, blkio, ...}.
    Json stats(const std::string& id) const;
    // Deletes what the runtime still has of a container whose shim is gone; no-op when nothing.
    void remove(const std::string& id) const;

    // "" when this runtime on this kernel can make a mount read-only recursively (the OCI mount
    // option "rro", mount_setattr of Linux 5.12), else moby's words for why not. An external
    // runtime is asked once (`<runtime> features`) and the answer kept per binary.
    std::string recursive_read_only_unsupported() const;

  private:
    // Runs the external runtime; its stdout, or internal "OCI runtime <command> failed: <stderr>".
    std::string run(const std::vector<std::string>& command, const std::string& input = "") const;

    std::string name_, binary_, root_;
};

}  // namespace berth::engine
