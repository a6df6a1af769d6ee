#pragma once
// /dev/shm of an --ipc shareable container, as moby's ShmPath: a tmpfs mounted on the host at
// <container_dir>/shm while the container runs, bound into it and into every container that
// joins its IPC namespace (--ipc container:X). A container's own /dev/shm tmpfs lives in its
// mount namespace, which another container's bind cannot reach.
#include <cstdint>
#include <string>

namespace berth::engine {

std::string shareable_shm_path(const std::string& container_dir);

// Mounts the tmpfs (nosuid, nodev, noexec, mode 1777, `size` bytes) unless it is mounted.
void mount_shareable_shm(const std::string& container_dir, int64_t size);

// Unmounts it (detached when busy) and removes the directory; no-op when there is none.
void release_shareable_shm(const std::string& container_dir) noexcept;

}  // namespace berth::engine
