#pragma once
// One healthcheck probe, run the way `docker exec` runs a process: the container's shim starts
// it (its "exec" op) with the container's own process settings (user, env, cwd, capabilities)
// and the probe's argv, without a terminal; stdout and stderr come back multiplexed on the
// control connection and are kept together (first 4096 bytes). Past the timeout the probe's
// process group is killed and the result is Docker's: exit -1, "Health check exceeded timeout
// (30s)". Errors starting it are a failed probe (exit -1, the message), as in moby.
#include <atomic>
#include <functional>
#include <map>
#include <string>

#include "engine/health_state.hpp"

namespace berth::engine {

struct ProbeTarget {
    std::string shim_dir;     // <exec root>/shims/<id>
    std::string bundle_spec;  // the container's config.json (its OCI process is the template)
};

// Called for exec_create / exec_start / exec_die, which Docker emits for probes too.
using ProbeEventSink = std::function<void(const std::string& action,
                                          const std::map<std::string, std::string>& attributes)>;

// Blocks for at most the timeout plus a few seconds. `stop` (set when monitoring ends) kills
// the probe and returns early; the result is then meaningless and dropped by the caller.
ProbeResult run_health_probe(const ProbeTarget& target, const HealthSettings& settings,
                             const std::atomic<bool>& stop, const ProbeEventSink& events);

}  // namespace berth::engine
