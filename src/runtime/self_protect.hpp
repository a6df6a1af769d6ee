#pragma once
// Keeping the runtime's binary out of the container's reach (CVE-2019-5736 class).
//
// Until it execs, a container process is an image of this program. Our processes are
// non-dumpable, which keeps ordinary container processes off /proc/<pid>/exe; a process with
// CAP_SYS_PTRACE in our user namespace passes that check, could hold the exe open and write it
// once we are gone. For such containers we first re-execute from a sealed in-memory copy:
// then /proc/<pid>/exe names that copy, which cannot be written, and nothing on disk is exposed.
#include "runtime/spec.hpp"

namespace berth::runtime {

// True when this process already runs from the sealed copy.
bool running_from_sealed_copy();

// Whether a process with these capabilities, in a new user namespace or not, could reach
// our /proc/<pid>/exe.
bool container_can_reach_runtime(const std::optional<Capabilities>& caps, bool new_user_ns);

// Re-executes this program (same argv and environment) from a sealed memfd copy of
// /proc/self/exe. Returns only when already running from one; throws on failure.
void reexec_from_sealed_copy();

}  // namespace berth::runtime
