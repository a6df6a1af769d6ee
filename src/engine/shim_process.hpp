#pragma once
// Starting a berth-shim detached from the daemon: fork, setsid, fork again (so the shim is
// reparented to init or the nearest subreaper, never the daemon's child), exec. The shim
// answers on a pipe once the container is created.
#include <sys/types.h>

#include <string>

#include "shim/options.hpp"

namespace berth::engine {

struct ShimStarted {
    pid_t pid = 0;            // the container's init
    std::string error;        // non-empty: creating the container failed
    int exit_code = 0;        // with error: 126/127/128 (Docker's codes)
};

// `shim_path` is the berth-shim executable. Waits up to `timeout_ms` for the report.
ShimStarted spawn_shim(const std::string& shim_path, shim::Options options, int timeout_ms = 60000);

}  // namespace berth::engine
