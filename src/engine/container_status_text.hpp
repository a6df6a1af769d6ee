#pragma once
// The Status column of `docker ps` (ContainerSummary.Status), in Docker's words (moby
// container.State.String): "Up 5 seconds", "Up 2 hours (healthy)", "Up 3 minutes (health:
// starting)", "Up 4 seconds (Paused)", "Exited (0) 3 seconds ago", "Restarting (1) 2 seconds
// ago", "Created", "Removal In Progress", "Dead". Durations follow go-units HumanDuration.
#include <cstdint>
#include <string>

#include "engine/container.hpp"

namespace berth::engine {

// `now_ns`: the current unix time in nanoseconds (a parameter so tests can pin it).
std::string container_status_text(const ContainerState& state, int64_t now_ns);

}  // namespace berth::engine
