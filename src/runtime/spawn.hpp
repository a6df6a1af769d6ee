#pragma once
// Starting a container process: clone3 with new namespaces, straight into its cgroup2
// directory when there is one, and the child's own move into its v1 cgroups.
#include <sys/types.h>

#include <string>
#include <vector>

namespace berth::runtime {

// fork()-like: returns the child's pid in the parent, 0 in the child. `namespaces` are
// CLONE_NEW* flags; `cgroup_fd` (>= 0) is an open cgroup2 directory the child starts in
// (CLONE_INTO_CGROUP). Falls back to clone() when clone3 cannot do it; then *joined_cgroup2
// is false and the caller must move the child in itself. Returns -errno on failure.
pid_t clone_child(int namespaces, int cgroup_fd, bool* joined_cgroup2) noexcept;

}  // namespace berth::runtime

namespace berth::runtime::child {

// In the new process: writes "0" to each v1 "tasks" file, moving itself (see
// cgroups::Cgroup::self_join_files for why). Fails through child::fail().
void join_cgroups(const std::vector<std::string>& task_files, int sync_fd) noexcept;

}  // namespace berth::runtime::child
