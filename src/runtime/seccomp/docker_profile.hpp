#pragma once
// Docker's seccomp profile format (moby profiles/seccomp/default.json: "archMap", per-rule
// "includes"/"excludes" on caps, arches and kernel versions) converted to the OCI linux.seccomp
// that a container with the given capabilities on the given architecture should get.
#include <string>
#include <vector>

#include "common/json_reader.hpp"

namespace berth::runtime::seccomp {

// `capabilities` are names (CAP_SYS_ADMIN ...); `arch` is the Go/uname name ("amd64"/"x86_64").
// Returns null for a profile with neither a defaultAction nor syscalls (seccomp off, as in
// moby). Throws invalid_argument naming the profile's JSON path ("seccomp profile:
// syscalls[3]...").
Json docker_profile_to_oci(const Json& profile, const std::vector<std::string>& capabilities,
                           const std::string& arch);

// The capabilities Docker gives a container by default (moby oci/caps.DefaultCapabilities).
std::vector<std::string> docker_default_capabilities();

}  // namespace berth::runtime::seccomp
