#pragma once
// What moby's verifyContainerSettings checks at create and at update, with its words, so a bad
// value is a 400 before anything is made instead of a failed start (or, for StopSignal, a
// container that can never be stopped). One place: create and update both call here.
#include <string>

#include "common/json_reader.hpp"

namespace berth::engine {

// The host as moby's sysinfo sees it: the CPUs and memory nodes containers may use.
struct HostCpus {
    std::string cpus;  // "0-1": the root cpuset (or the online CPUs)
    std::string mems;  // "0"
    int count = 1;     // CPUs this process may run on (Go's runtime.NumCPU)
    static HostCpus probe();
};
// Probed once, on first use.
const HostCpus& host_cpus();

// ContainerConfig: WorkingDir absolute, StopSignal a signal, no Env entry without a name.
void verify_container_config(const Json& config);

// HostConfig outside the resources: Isolation, OomScoreAdj, ShmSize, Tmpfs destinations.
void verify_host_config(const Json& host_config);

// The resources of a HostConfig (create) or of an update body (update = true: moby allows
// MemorySwap without Memory there, the container may have one).
void verify_resources(const Json& resources, bool update, const HostCpus& host);

// "0-3,5" -> false when it names a CPU or node outside `available` (same syntax). The format is
// checked by validate_create_request.
bool cpuset_within(const std::string& requested, const std::string& available);

}  // namespace berth::engine
