#include "engine/bind_view.hpp"

#include <fcntl.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <exception>
#include <thread>

#include "common/error.hpp"
#include "common/unique_fd.hpp"
#include "runtime/child_util.hpp"

namespace berth::engine {

namespace {

size_t depth(const std::string& path) {
    return std::count(path.begin(), path.end(), '/');
}

std::string fd_path(int fd) {
    return "/proc/self/fd/" + std::to_string(fd);
}

UniqueFd open_mount_point(int root, const std::string& dest) {
    int fd = runtime::child::open_in_root(root, dest.c_str(), O_PATH | O_CLOEXEC);
    if (fd < 0) throw_sys("open mount point " + dest + " in the container", -fd);
    return UniqueFd(fd);
}

// Read-only as in the container: the whole tree for a recursive bind (mount_setattr), else
// the top mount (a bind remount, for kernels before 5.12 too).
void make_read_only(int root, const volume::MountPoint& b) {
    UniqueFd mounted = open_mount_point(root, b.destination);  // now the bind, not what it covers
    struct mount_attr attr {};
    attr.attr_set = MOUNT_ATTR_RDONLY;
    unsigned flags = AT_EMPTY_PATH | (b.non_recursive ? 0 : AT_RECURSIVE);
    if (::syscall(SYS_mount_setattr, mounted.get(), "", flags, &attr, sizeof attr) == 0) return;
    if (::mount(nullptr, fd_path(mounted.get()).c_str(), nullptr, MS_REMOUNT | MS_BIND | MS_RDONLY,
                nullptr) < 0)
        throw_errno("make the bind at " + b.destination + " read-only");
}

void mount_binds(int root, const std::vector<volume::MountPoint>& binds) {
    for (const auto& b : binds) {
        struct stat st {};
        if (::stat(b.source.c_str(), &st) < 0) throw_errno("bind source " + b.source);
        int rc =
            runtime::child::mkdir_all_in_root(root, b.destination.c_str(), !S_ISDIR(st.st_mode));
        if (rc < 0) throw_sys("create mount point " + b.destination + " in the container", -rc);
        UniqueFd target = open_mount_point(root, b.destination);
        unsigned long flags = MS_BIND | (b.non_recursive ? 0 : MS_REC);
        if (::mount(b.source.c_str(), fd_path(target.get()).c_str(), nullptr, flags, nullptr) < 0)
            throw_errno("bind " + b.source + " at " + b.destination);
        if (!b.rw) make_read_only(root, b);
    }
}

}  // namespace

void with_bind_view(const std::string& rootfs, const std::vector<volume::MountPoint>& mounts,
                    const std::function<void(int rootfs_fd)>& fn) {
    std::vector<volume::MountPoint> binds;
    for (const auto& m : mounts) {
        if (m.type == "bind") binds.push_back(m);
    }
    // A parent before what goes inside it, as the runtime mounts them.
    std::stable_sort(binds.begin(), binds.end(), [](const auto& a, const auto& b) {
        return depth(a.destination) < depth(b.destination);
    });
    auto open_root = [&] {
        UniqueFd root(::open(rootfs.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
        if (!root) throw_errno("open rootfs " + rootfs);
        return root;
    };
    if (binds.empty()) {
        UniqueFd root = open_root();
        fn(root.get());
        return;
    }
    std::exception_ptr error;
    std::thread view([&] {
        try {
            // CLONE_NEWNS on a thread also unshares its fs_struct: cwd and root become its own.
            if (::unshare(CLONE_NEWNS) < 0) throw_errno("unshare a mount namespace for the copy");
            if (::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) < 0)
                throw_errno("make the copy's mounts private");
            UniqueFd root = open_root();
            mount_binds(root.get(), binds);
            fn(root.get());
        } catch (...) {
            error = std::current_exception();
        }
    });
    view.join();
    if (error) std::rethrow_exception(error);
}

}  // namespace berth::engine
