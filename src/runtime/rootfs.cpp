#include "runtime/rootfs.hpp"

#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstring>

#include "runtime/child_util.hpp"

namespace berth::runtime::child {

namespace {

// Flags a bind remount must keep: in a user namespace they are locked and dropping them fails.
unsigned long locked_flags(const char* path) noexcept {
    struct statvfs sv {};
    if (statvfs(path, &sv) < 0) return 0;
    unsigned long flags = 0;
    if (sv.f_flag & ST_NOSUID) flags |= MS_NOSUID;
    if (sv.f_flag & ST_NODEV) flags |= MS_NODEV;
    if (sv.f_flag & ST_NOEXEC) flags |= MS_NOEXEC;
    if (sv.f_flag & ST_NOATIME) flags |= MS_NOATIME;
    if (sv.f_flag & ST_NODIRATIME) flags |= MS_NODIRATIME;
    if (sv.f_flag & ST_RELATIME) flags |= MS_RELATIME;
    return flags;
}

// Opens `dest` in the root after the mount so the fd names the new mount, not what it covers.
int reopen(const LaunchPlan& plan, int root_fd, const char* dest) noexcept {
    int fd = open_in_root(root_fd, dest, O_PATH);
    if (fd < 0) fail(plan.sync_fd, -fd, "open mount point", dest);
    return fd;
}

void remount_bind(const LaunchPlan& plan, int root_fd, const char* dest, unsigned long flags) noexcept {
    int fd = reopen(plan, root_fd, dest);
    char target[32];
    fd_path(target, fd);
    unsigned long keep = locked_flags(target);
    if (mount(nullptr, target, nullptr, MS_REMOUNT | MS_BIND | flags | keep, nullptr) < 0) {
        fail(plan.sync_fd, errno, "remount", dest);
    }
    close(fd);
}

void set_propagation(const LaunchPlan& plan, int root_fd, const char* dest, unsigned long propagation) noexcept {
    if (!propagation) return;
    int fd = reopen(plan, root_fd, dest);
    char target[32];
    fd_path(target, fd);
    if (mount(nullptr, target, nullptr, propagation, nullptr) < 0) fail(plan.sync_fd, errno, "set propagation of", dest);
    close(fd);
}

// Creates the mount point and returns an O_PATH fd to it.
int mount_point(const LaunchPlan& plan, int root_fd, const char* dest, bool is_dir) noexcept {
    int rc = mkdir_all_in_root(root_fd, dest, !is_dir);
    if (rc < 0) fail(plan.sync_fd, -rc, "create mount point", dest);
    int fd = open_in_root(root_fd, dest, O_PATH);
    if (fd < 0) fail(plan.sync_fd, -fd, "open mount point", dest);
    return fd;
}

void bind_mount(const LaunchPlan& plan, int root_fd, const char* source, const char* dest, bool is_dir,
                bool recursive, unsigned long flags, unsigned long propagation) noexcept {
    int fd = mount_point(plan, root_fd, dest, is_dir);
    char target[32];
    fd_path(target, fd);
    if (mount(source, target, nullptr, MS_BIND | (recursive ? MS_REC : 0), nullptr) < 0) {
        fail(plan.sync_fd, errno, "bind mount", source);
    }
    close(fd);
    unsigned long extra = flags & ~(MS_BIND | MS_REC | MS_REMOUNT);
    if (extra) remount_bind(plan, root_fd, dest, extra);
    set_propagation(plan, root_fd, dest, propagation);
}

void mount_cgroup_v1_tree(const LaunchPlan& plan, int root_fd, const PlannedMount& m) noexcept {
    const char* dest = m.destination.c_str();
    int fd = mount_point(plan, root_fd, dest, true);
    char target[32];
    fd_path(target, fd);
    if (mount("tmpfs", target, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=755") < 0) {
        fail(plan.sync_fd, errno, "mount cgroup tmpfs on", dest);
    }
    close(fd);
    char sub[PATH_MAX];
    for (const auto& h : plan.cgroup_hierarchies) {
        if (strlen(dest) + h.name.size() + 2 >= sizeof sub) continue;
        strcpy(sub, dest);
        strcat(sub, "/");
        strcat(sub, h.name.c_str());
        int sfd = mount_point(plan, root_fd, sub, true);
        char starget[32];
        fd_path(starget, sfd);
        unsigned long flags = MS_NOSUID | MS_NODEV | MS_NOEXEC | (m.flags & MS_RDONLY);
        if (plan.new_cgroup_ns) {
            if (mount("cgroup", starget, "cgroup", flags, h.options.c_str()) < 0) {
                fail(plan.sync_fd, errno, "mount cgroup hierarchy", h.name.c_str());
            }
        } else if (access(h.dir.c_str(), F_OK) == 0) {
            if (mount(h.dir.c_str(), starget, nullptr, MS_BIND, nullptr) < 0) {
                fail(plan.sync_fd, errno, "bind cgroup", h.dir.c_str());
            }
            close(sfd);
            sfd = -1;
            remount_bind(plan, root_fd, sub, flags);
        }
        if (sfd >= 0) close(sfd);
    }
    if (m.flags & MS_RDONLY) remount_bind(plan, root_fd, dest, MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC);
}

// The recursive options ("rro", ...): one mount_setattr over the mount and all below it, so
// a read-only bind of a tree with submounts is read-only all the way down.
void set_recursive_attrs(const LaunchPlan& plan, int root_fd, const PlannedMount& m) noexcept {
    if (!m.rec_attr_set && !m.rec_attr_clr) return;
    const char* dest = m.destination.c_str();
    int fd = reopen(plan, root_fd, dest);
    struct mount_attr attr {};
    attr.attr_set = m.rec_attr_set;
    attr.attr_clr = m.rec_attr_clr;
    if (syscall(SYS_mount_setattr, fd, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr, sizeof attr) < 0) {
        fail(plan.sync_fd, errno, "set recursive mount attributes of", dest);
    }
    close(fd);
}

void mount_one(const LaunchPlan& plan, int root_fd, const PlannedMount& m) noexcept {
    const char* dest = m.destination.c_str();
    switch (m.kind) {
        case PlannedMount::Kind::bind:
            bind_mount(plan, root_fd, m.source.c_str(), dest, m.source_is_dir, m.recursive, m.flags, m.propagation);
            return;
        case PlannedMount::Kind::cgroup_v1_tree:
            mount_cgroup_v1_tree(plan, root_fd, m);
            return;
        case PlannedMount::Kind::cgroup2:
            if (!plan.new_cgroup_ns) {
                bind_mount(plan, root_fd, m.source.c_str(), dest, true, false, m.flags, m.propagation);
                return;
            }
            break;
        case PlannedMount::Kind::regular:
            break;
    }
    int fd = mount_point(plan, root_fd, dest, true);
    char target[32];
    fd_path(target, fd);
    const char* data = m.data.empty() ? nullptr : m.data.c_str();
    if (mount(m.source.c_str(), target, m.type.c_str(), m.flags & ~MS_REMOUNT, data) < 0) {
        int err = errno;
        close(fd);
        // Without a network namespace of our own, sysfs cannot be mounted: bind the host's.
        if (m.type == "sysfs" && (err == EPERM || err == EBUSY)) {
            bind_mount(plan, root_fd, "/sys", dest, true, true, m.flags | MS_RDONLY, m.propagation);
            return;
        }
        if (m.type == "mqueue" && (err == EPERM || err == EACCES)) {
            bind_mount(plan, root_fd, "/dev/mqueue", dest, true, false, m.flags, m.propagation);
            return;
        }
        fail(plan.sync_fd, err, m.type.c_str(), dest);
    }
    close(fd);
    set_propagation(plan, root_fd, dest, m.propagation);
}

void create_devices(const LaunchPlan& plan, int root_fd) noexcept {
    for (const auto& d : plan.devices) {
        const char* path = d.path.c_str();
        if (plan.new_user_ns) {
            // mknod is not allowed in a user namespace: bind the host's node instead.
            bind_mount(plan, root_fd, d.host_path.c_str(), path, false, false, 0, 0);
            continue;
        }
        const char* slash = strrchr(path, '/');
        char parent_path[PATH_MAX];
        size_t plen = static_cast<size_t>(slash - path);
        if (plen == 0) plen = 1;
        memcpy(parent_path, path, plen);
        parent_path[plen] = '\0';
        int rc = mkdir_all_in_root(root_fd, parent_path, false);
        if (rc < 0) fail(plan.sync_fd, -rc, "create device directory", parent_path);
        int parent = open_in_root(root_fd, parent_path, O_PATH | O_DIRECTORY);
        if (parent < 0) fail(plan.sync_fd, -parent, "open device directory", parent_path);
        unlinkat(parent, slash + 1, 0);
        if (mknodat(parent, slash + 1, d.mode, d.dev) < 0) fail(plan.sync_fd, errno, "mknod", path);
        if (fchownat(parent, slash + 1, d.uid, d.gid, AT_SYMLINK_NOFOLLOW) < 0) fail(plan.sync_fd, errno, "chown", path);
        close(parent);
    }
}

void create_dev_symlinks(const LaunchPlan& plan, int root_fd) noexcept {
    static const char* const kLinks[][2] = {{"/proc/self/fd", "fd"},
                                            {"/proc/self/fd/0", "stdin"},
                                            {"/proc/self/fd/1", "stdout"},
                                            {"/proc/self/fd/2", "stderr"},
                                            {"pts/ptmx", "ptmx"}};
    int dev = open_in_root(root_fd, "/dev", O_PATH | O_DIRECTORY);
    if (dev < 0) fail(plan.sync_fd, -dev, "open", "/dev");
    for (const auto& link : kLinks) {
        if (strcmp(link[1], "ptmx") == 0) unlinkat(dev, link[1], 0);
        if (symlinkat(link[0], dev, link[1]) < 0 && errno != EEXIST) fail(plan.sync_fd, errno, "symlink /dev/", link[1]);
    }
    close(dev);
}

}  // namespace

int prepare_rootfs(const LaunchPlan& plan) noexcept {
    if (mount(nullptr, "/", nullptr, plan.root_propagation, nullptr) < 0) {
        fail(plan.sync_fd, errno, "set propagation of /");
    }
    if (!plan.rootfs_parent_mount.empty() &&
        mount(nullptr, plan.rootfs_parent_mount.c_str(), nullptr, MS_PRIVATE, nullptr) < 0) {
        fail(plan.sync_fd, errno, "make the rootfs' parent mount private", plan.rootfs_parent_mount.c_str());
    }
    const char* rootfs = plan.rootfs.c_str();
    if (mount(rootfs, rootfs, nullptr, MS_BIND | MS_REC, nullptr) < 0) fail(plan.sync_fd, errno, "bind rootfs", rootfs);
    int root_fd = open(rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (root_fd < 0) fail(plan.sync_fd, errno, "open rootfs", rootfs);
    for (const auto& m : plan.mounts) {
        mount_one(plan, root_fd, m);
        set_recursive_attrs(plan, root_fd, m);
    }
    create_devices(plan, root_fd);
    if (plan.default_dev_symlinks) create_dev_symlinks(plan, root_fd);
    // Like runc, a missing cwd is created (images rely on it: WORKDIR of a fresh dir), and
    // here, before the root goes read-only, resolved inside the rootfs like every mount point.
    const char* cwd = plan.process.cwd.c_str();
    if (cwd[0] == '/' && cwd[1] != '\0') {
        int rc = mkdir_all_in_root(root_fd, cwd, false);
        if (rc < 0) fail(plan.sync_fd, -rc, "create cwd", cwd);
    }
    return root_fd;
}

void enter_rootfs(const LaunchPlan& plan, int root_fd) noexcept {
    if (fchdir(root_fd) < 0) fail(plan.sync_fd, errno, "chdir to rootfs");
    close(root_fd);
    if (plan.no_pivot) {
        if (mount(".", "/", nullptr, MS_MOVE, nullptr) < 0) fail(plan.sync_fd, errno, "move rootfs to /");
        if (chroot(".") < 0) fail(plan.sync_fd, errno, "chroot");
    } else {
        int old_root = open("/", O_DIRECTORY | O_RDONLY | O_CLOEXEC);
        if (old_root < 0) fail(plan.sync_fd, errno, "open old root");
        if (syscall(SYS_pivot_root, ".", ".") < 0) fail(plan.sync_fd, errno, "pivot_root");
        // The old root is now stacked on "/": detach it without touching the host's mounts.
        if (fchdir(old_root) < 0) fail(plan.sync_fd, errno, "chdir to old root");
        if (mount(nullptr, ".", nullptr, MS_SLAVE | MS_REC, nullptr) < 0) fail(plan.sync_fd, errno, "make old root a slave");
        if (umount2(".", MNT_DETACH) < 0) fail(plan.sync_fd, errno, "detach old root");
        close(old_root);
    }
    if (chdir("/") < 0) fail(plan.sync_fd, errno, "chdir /");
}

void finish_rootfs(const LaunchPlan& plan) noexcept {
    int root_fd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (root_fd < 0) fail(plan.sync_fd, errno, "open /");
    // Sysctls first: /proc/sys is usually among the read-only paths below.
    for (const auto& [path, value] : plan.sysctls) {
        int rc = write_string(path.c_str(), value.c_str());
        if (rc < 0) fail(plan.sync_fd, -rc, "write sysctl", path.c_str());
    }
    for (const auto& p : plan.readonly_paths) {
        const char* path = p.c_str();
        int fd = open_in_root(root_fd, path, O_PATH);
        if (fd == -ENOENT) continue;
        if (fd < 0) fail(plan.sync_fd, -fd, "open read-only path", path);
        char target[32];
        fd_path(target, fd);
        if (mount(target, target, nullptr, MS_BIND | MS_REC, nullptr) < 0) fail(plan.sync_fd, errno, "bind read-only path", path);
        close(fd);
        // Read-only only, as runc: programs under a read-only path must still run.
        remount_bind(plan, root_fd, path, MS_RDONLY);
    }
    for (const auto& p : plan.masked_paths) {
        const char* path = p.c_str();
        int fd = open_in_root(root_fd, path, O_PATH);
        if (fd == -ENOENT) continue;
        if (fd < 0) fail(plan.sync_fd, -fd, "open masked path", path);
        struct stat st {};
        fstat(fd, &st);
        char target[32];
        fd_path(target, fd);
        int rc = S_ISDIR(st.st_mode) ? mount("tmpfs", target, "tmpfs", MS_RDONLY, nullptr)
                                     : mount("/dev/null", target, nullptr, MS_BIND, nullptr);
        if (rc < 0) fail(plan.sync_fd, errno, "mask", path);
        close(fd);
    }
    if (plan.readonly_root) {
        if (mount(nullptr, "/", nullptr, MS_REMOUNT | MS_BIND | MS_RDONLY | locked_flags("/"), nullptr) < 0) {
            fail(plan.sync_fd, errno, "remount / read-only");
        }
    }
    close(root_fd);
}

}  // namespace berth::runtime::child
