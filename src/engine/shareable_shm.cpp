#include "engine/shareable_shm.hpp"

#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include "common/error.hpp"
#include "storage/overlay_mount.hpp"

namespace berth::engine {

std::string shareable_shm_path(const std::string& container_dir) {
    return container_dir + "/shm";
}

void mount_shareable_shm(const std::string& container_dir, int64_t size) {
    std::string path = shareable_shm_path(container_dir);
    if (::mkdir(path.c_str(), 0700) < 0 && errno != EEXIST) throw_errno("create " + path);
    if (storage::is_mount_point(path)) return;
    std::string data = "mode=1777,size=" + std::to_string(size);
    if (::mount("shm", path.c_str(), "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, data.c_str()) < 0)
        throw_errno("mount the shareable /dev/shm at " + path);
}

void release_shareable_shm(const std::string& container_dir) noexcept {
    std::string path = shareable_shm_path(container_dir);
    struct stat st {};
    if (::lstat(path.c_str(), &st) < 0) return;
    while (storage::is_mount_point(path)) {
        if (::umount2(path.c_str(), MNT_DETACH) < 0)
            return;  // leave the dir rather than delete into a mount
    }
    ::rmdir(path.c_str());
}

}  // namespace berth::engine
