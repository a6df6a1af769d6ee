#pragma once
// What the exec router needs from the engine (moby's router/container exec half). Execs live
// in memory, like dockerd's. Errors: "No such exec instance: x" not_found, a container that is
// not running conflict.
#include <string>

#include "api/containers/container_backend.hpp"

namespace berth::api {

struct ExecStartRequest {
    bool detach = false;
    bool tty = false;
    unsigned height = 0, width = 0;  // ConsoleSize, 0: unset
};

class ExecBackend {
  public:
    virtual ~ExecBackend() = default;
    // `config` is an ExecConfig body; returns the exec id.
    virtual std::string exec_create(const std::string& container, const Json& config) = 0;
    // Attached: the process's stdio; detached: an invalid fd.
    virtual StdioStream exec_start(const std::string& exec_id, const ExecStartRequest& request) = 0;
    virtual Json exec_inspect(const std::string& exec_id) = 0;  // ExecInspectResponse
    virtual void exec_resize(const std::string& exec_id, unsigned height, unsigned width) = 0;
};

}  // namespace berth::api
