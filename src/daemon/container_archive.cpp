// docker cp for the containers backend: stat, tar out and extract in, inside the merged rootfs
// of a container in any state (the engine mounts a stopped one's for the call), with its bind
// mounts in place, as Docker. Every path is resolved with openat2(RESOLVE_IN_ROOT), so a
// symlink in the container cannot lead outside its rootfs.
#include <dirent.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <ctime>

#include "common/dir_walk.hpp"
#include "common/error.hpp"
#include "common/file_util.hpp"
#include "common/unique_fd.hpp"
#include "daemon/container_backend_impl.hpp"
#include "image/apply_log.hpp"
#include "image/layer_apply.hpp"
#include "image/tar_writer.hpp"

namespace berth::daemon {

namespace {

UniqueFd open_in_root(int root_fd, const std::string& path, uint64_t flags, const std::string& id) {
    open_how how{};
    how.flags = flags | O_CLOEXEC;
    how.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;
    std::string rel = path.empty() ? "/" : path;
    long fd = ::syscall(SYS_openat2, root_fd, rel.c_str(), &how, sizeof how);
    if (fd < 0) {
        int err = errno;
        if (err == ENOENT)
            throw Error(Errc::not_found, "Could not find the file " + path + " in container " + id);
        if (err == ENOTDIR && (flags & O_DIRECTORY))
            throw Error(Errc::invalid_argument, "extraction point is not a directory");
        throw_sys("open " + path + " in container " + id, err);
    }
    return UniqueFd(static_cast<int>(fd));
}

// Go's os.FileMode bits, which the docker CLI decodes from the stat header.
uint32_t go_file_mode(mode_t m) {
    uint32_t out = m & 0777;
    if (m & S_ISUID) out |= 1u << 23;
    if (m & S_ISGID) out |= 1u << 22;
    if (m & S_ISVTX) out |= 1u << 20;
    if (S_ISDIR(m)) out |= 1u << 31;
    if (S_ISLNK(m)) out |= 1u << 27;
    if (S_ISFIFO(m)) out |= 1u << 25;
    if (S_ISSOCK(m)) out |= 1u << 24;
    if (S_ISBLK(m)) out |= 1u << 26;
    if (S_ISCHR(m)) out |= (1u << 26) | (1u << 21);
    return out;
}

std::string rfc3339(time_t t) {
    char buf[64];
    std::tm tm{};
    ::gmtime_r(&t, &tm);
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

// The name the archive gives the path: its last component ("." for "dir/.").
std::string base_name(std::string path) {
    while (path.size() > 1 && path.back() == '/') path.pop_back();
    auto slash = path.rfind('/');
    std::string base = slash == std::string::npos ? path : path.substr(slash + 1);
    return base.empty() ? "/" : base;
}

struct stat stat_fd(int fd, const std::string& shown) {
    struct stat st {};
    if (::fstatat(fd, "", &st, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW) < 0)
        throw_errno("stat " + shown);
    return st;
}

// Adds the entry `fd` (an O_PATH descriptor, not followed) as `name`; a directory's header only.
// Returns its stat.
struct stat add_entry(image::TarWriter& w, int fd, const std::string& name) {
    struct stat st = stat_fd(fd, name);
    image::TarHeader h;
    h.name = name;
    h.mode = st.st_mode & 07777;
    h.uid = st.st_uid;
    h.gid = st.st_gid;
    h.mtime = st.st_mtime;
    if (S_ISREG(st.st_mode)) {
        h.type = S_IFREG;
        h.size = static_cast<uint64_t>(st.st_size);
        UniqueFd data(
            ::open(("/proc/self/fd/" + std::to_string(fd)).c_str(), O_RDONLY | O_CLOEXEC));
        if (!data) throw_errno("open " + name);
        w.write_header(h);
        w.copy_from_fd(data.get(), h.size, name);
    } else if (S_ISLNK(st.st_mode)) {
        h.type = S_IFLNK;
        char target[4096];
        ssize_t n = ::readlinkat(fd, "", target, sizeof target);
        if (n < 0) throw_errno("readlink " + name);
        h.symlink.assign(target, static_cast<size_t>(n));
        w.write_header(h);
    } else if (S_ISDIR(st.st_mode)) {
        h.type = S_IFDIR;
        w.write_header(h);
    } else if (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode) || S_ISFIFO(st.st_mode)) {
        h.type = st.st_mode & S_IFMT;
        h.rdev = st.st_rdev;
        w.write_header(h);
    }
    // Sockets are not archived, as in Docker.
    return st;
}

// Adds `fd` as `name` and, if a directory, everything below it, walked with DirWalk: the tree is
// the container user's to make as deep as they like, and recursion overflowed berthd's stack at
// 2,000 levels. A name longer than PATH_MAX fails the archive with a message.
void add_tree(image::TarWriter& w, int fd, const std::string& name) {
    if (!S_ISDIR(add_entry(w, fd, name).st_mode)) return;
    UniqueFd dir(::openat(fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!dir) throw_errno("open " + name);
    DirWalk walk(dir.get(), name);
    walk.limit_path(DirWalk::kArchivePathMax);
    while (walk.next()) {
        UniqueFd child(::openat(walk.parent_fd(), walk.name().c_str(), O_PATH | O_NOFOLLOW | O_CLOEXEC));
        if (!child) {
            if (errno != ENOENT) throw_errno("open " + name + "/" + walk.path().substr(0, 256));
            walk.skip_children();
            continue;  // gone meanwhile
        }
        add_entry(w, child.get(), name == "/" ? walk.path() : name + "/" + walk.path());
    }
}

// The directory `dir_fd` as the container sees it ("/tmp"): its path below the rootfs, whose
// own path (in this thread's mount namespace) is that of `root_fd`. Symlinks are resolved,
// as in moby, which names the extraction point after filepath.EvalSymlinks.
std::string container_path(int root_fd, int dir_fd, const std::string& fallback) {
    auto link = [](int fd) {
        char buf[4096];
        ssize_t n = ::readlink(("/proc/self/fd/" + std::to_string(fd)).c_str(), buf, sizeof buf);
        return n > 0 ? std::string(buf, static_cast<size_t>(n)) : std::string();
    };
    std::string root = link(root_fd), dir = link(dir_fd);
    if (root.empty() || dir.empty()) return fallback;
    if (root == "/") return dir;
    if (dir == root) return "/";
    if (dir.size() > root.size() && dir.compare(0, root.size(), root) == 0 && dir[root.size()] == '/')
        return dir.substr(root.size());
    return fallback;
}

}  // namespace

api::PathStat ContainerBackendImpl::stat_path(const std::string& key, const std::string& path) {
    api::PathStat out;
    m_.with_rootfs(key, [&](int root) {
        UniqueFd fd = open_in_root(root, path, O_PATH | O_NOFOLLOW, key);
        struct stat st = stat_fd(fd.get(), path);
        out.name = base_name(path);
        out.size = st.st_size;
        out.mode = go_file_mode(st.st_mode);
        out.mtime = rfc3339(st.st_mtime);
        if (S_ISLNK(st.st_mode)) {
            char target[4096];
            ssize_t n = ::readlinkat(fd.get(), "", target, sizeof target);
            if (n > 0) out.link_target.assign(target, static_cast<size_t>(n));
        }
    }, engine::ContainerManager::RootfsView::with_binds);
    return out;
}

void ContainerBackendImpl::get_archive(const std::string& key, const std::string& path,
                                       int out_fd) {
    m_.with_rootfs(key, [&](int root) {
        UniqueFd fd = open_in_root(root, path, O_PATH | O_NOFOLLOW, key);
        image::TarWriter w(out_fd);
        add_tree(w, fd.get(), base_name(path));
        w.finish();
    }, engine::ContainerManager::RootfsView::with_binds);
}

void ContainerBackendImpl::put_archive(const std::string& key, const std::string& path, int in_fd,
                                       bool no_overwrite_dir_non_dir) {
    m_.check_writable_path(key, path);
    m_.with_rootfs_for_copy(key, [&](int root, const std::string& log_path) {
        UniqueFd dir = open_in_root(root, path, O_RDONLY | O_DIRECTORY, key);
        image::ApplyOptions o;
        std::string dest = container_path(root, dir.get(), path);
        o.copy = image::CopyRules{dest, no_overwrite_dir_non_dir};
        o.what = "archive";
        // Written ahead of every change, so that berthd's death cannot leave it half done.
        image::ApplyLog log(log_path, dest);
        o.log = &log;
        image::apply_layer_at(in_fd, dir.get(), o);
    });
}

}  // namespace berth::daemon
