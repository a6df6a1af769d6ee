#include "image/layer_diff.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <map>

#include "common/dir_walk.hpp"
#include "common/error.hpp"
#include "common/unique_fd.hpp"
#include "image/tar_path.hpp"
#include "image/tar_writer.hpp"

namespace berth::image {

namespace {

constexpr const char* kOverlayOpaque = "trusted.overlay.opaque";

std::vector<std::pair<std::string, std::string>> read_xattrs(int fd, const std::string& path,
                                                             const std::string& shown) {
    std::vector<std::pair<std::string, std::string>> out;
    auto list = [&](char* buf, size_t size) {
        return fd >= 0 ? ::flistxattr(fd, buf, size) : ::llistxattr(path.c_str(), buf, size);
    };
    ssize_t len = list(nullptr, 0);
    if (len < 0) {
        if (errno == ENOTSUP || errno == EOPNOTSUPP) return out;
        throw_errno("list xattrs of " + shown);
    }
    if (len == 0) return out;
    std::string names(static_cast<size_t>(len), '\0');
    len = list(names.data(), names.size());
    if (len < 0) throw_errno("list xattrs of " + shown);
    names.resize(static_cast<size_t>(len));
    for (size_t pos = 0; pos < names.size();) {
        std::string key(names.c_str() + pos);
        pos += key.size() + 1;
        // Overlay bookkeeping is turned into whiteouts, not copied; labels are host policy.
        if (key.empty() || key.starts_with("trusted.overlay.") || key == "security.selinux") continue;
        auto get = [&](void* buf, size_t size) {
            return fd >= 0 ? ::fgetxattr(fd, key.c_str(), buf, size)
                           : ::lgetxattr(path.c_str(), key.c_str(), buf, size);
        };
        ssize_t vlen = get(nullptr, 0);
        if (vlen < 0) throw_errno("read xattr " + key + " of " + shown);
        std::string value(static_cast<size_t>(vlen), '\0');
        vlen = get(value.data(), value.size());
        if (vlen < 0) throw_errno("read xattr " + key + " of " + shown);
        value.resize(static_cast<size_t>(vlen));
        out.emplace_back(std::move(key), std::move(value));
    }
    std::sort(out.begin(), out.end());
    return out;
}

std::vector<std::string> sorted_children(int dir_fd, const std::string& shown) {
    UniqueFd dup_fd(::fcntl(dir_fd, F_DUPFD_CLOEXEC, 0));
    if (!dup_fd) throw_errno("dup");
    DIR* d = ::fdopendir(dup_fd.release());
    if (!d) throw_errno("opendir " + shown);
    ::rewinddir(d);
    std::vector<std::string> names;
    while (dirent* ent = ::readdir(d)) {
        if (std::strcmp(ent->d_name, ".") == 0 || std::strcmp(ent->d_name, "..") == 0) continue;
        names.emplace_back(ent->d_name);
    }
    ::closedir(d);
    std::sort(names.begin(), names.end());
    return names;
}

class Differ {
public:
    Differ(TarWriter& w, const DiffOptions& o, std::vector<UniqueFd> lowers)
        : w_(w), o_(o), lowers_(std::move(lowers)) {}

    void walk(int root_fd, const std::string& shown);

private:
    int64_t clamp(int64_t t) const {
        return o_.source_date_epoch && t > *o_.source_date_epoch ? *o_.source_date_epoch : t;
    }
    // An engine-made mount point (see DiffOptions::mount_stubs), not content.
    bool is_mount_stub(int dir_fd, const std::string& name, const std::string& path,
                       const struct stat& st) const {
        if (o_.lowers.empty()) return false;
        if (std::find(o_.mount_stubs.begin(), o_.mount_stubs.end(), path) == o_.mount_stubs.end()) {
            return false;
        }
        if (S_ISREG(st.st_mode)) {
            if (st.st_size != 0) return false;
        } else if (S_ISDIR(st.st_mode)) {
            UniqueFd sub(::openat(dir_fd, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
            if (!sub || !sorted_children(sub.get(), path).empty()) return false;
        } else {
            return false;
        }
        return !in_some_lower(path);
    }
    // A lower's directory that is in the upper only because the runtime made mount stubs in
    // it (etc/ for etc/resolv.conf): its copy-up is no change. Docker's init layer holds it.
    // Its mode and owner must still be the lower's: a chmod is content.
    bool holds_only_mount_stubs(int sub_fd, const std::string& path, const struct stat& st) const {
        if (o_.mount_stubs.empty() || o_.lowers.empty()) return false;
        std::vector<std::string> names = sorted_children(sub_fd, path);
        if (names.empty()) return false;
        for (const std::string& n : names) {
            struct stat child {};
            if (::fstatat(sub_fd, n.c_str(), &child, AT_SYMLINK_NOFOLLOW) < 0) return false;
            if (!is_mount_stub(sub_fd, n, path + "/" + n, child)) return false;
        }
        for (const auto& lower : lowers_) {
            UniqueFd f = open_beneath(lower.get(), path, O_PATH, false);
            struct stat was {};
            if (!f || ::fstat(f.get(), &was) < 0) continue;
            return S_ISDIR(was.st_mode) && was.st_mode == st.st_mode && was.st_uid == st.st_uid &&
                   was.st_gid == st.st_gid;
        }
        return false;
    }
    bool in_some_lower(const std::string& rel) const {
        if (o_.lowers.empty()) return true;
        for (const auto& lower : lowers_) {
            if (open_beneath(lower.get(), rel, O_PATH, false)) return true;
        }
        return false;
    }
    TarHeader header(const std::string& name, const struct stat& st) const {
        TarHeader h;
        h.name = name;
        h.type = st.st_mode & S_IFMT;
        h.mode = st.st_mode & 07777;
        h.uid = st.st_uid;
        h.gid = st.st_gid;
        h.mtime = clamp(st.st_mtim.tv_sec);
        return h;
    }

    TarWriter& w_;
    const DiffOptions& o_;
    std::vector<UniqueFd> lowers_;
    std::map<std::pair<dev_t, ino_t>, std::string> links_;  // first path of each multi-link inode
};

void Differ::walk(int root_fd, const std::string& shown) {
    // DirWalk, not recursion: the tree is a container's, as deep as its user made it. Names
    // longer than PATH_MAX are refused (no tool could extract them); 60,000 levels crashed here.
    DirWalk tree(root_fd, shown);
    tree.limit_path(DirWalk::kArchivePathMax);
    while (tree.next()) {
        const int dir_fd = tree.parent_fd();
        const std::string& name = tree.name();
        const std::string& path = tree.path();
        const struct stat& st = tree.st();
        std::string rel = path.size() > name.size() ? path.substr(0, path.size() - name.size() - 1) : "";
        std::string proc = "/proc/self/fd/" + std::to_string(dir_fd) + "/" + name;
        if (!o_.mount_stubs.empty() && is_mount_stub(dir_fd, name, path, st)) {
            tree.skip_children();
            continue;
        }

        if (S_ISCHR(st.st_mode) && st.st_rdev == makedev(0, 0)) {  // overlayfs deletion
            if (!in_some_lower(path)) continue;
            TarHeader h = header((rel.empty() ? "" : rel + "/") + ".wh." + name, st);
            h.type = S_IFREG;
            h.mode = 0;
            w_.add(h);
            continue;
        }
        if (S_ISDIR(st.st_mode)) {
            UniqueFd sub(::openat(dir_fd, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
            if (!sub) throw_errno("open " + path);
            if (holds_only_mount_stubs(sub.get(), path, st)) {
                tree.skip_children();
                continue;
            }
            TarHeader h = header(path + "/", st);
            h.xattrs = read_xattrs(sub.get(), "", path);
            w_.add(h);
            char v[2] = {};
            if (::fgetxattr(sub.get(), kOverlayOpaque, v, sizeof v) == 1 && v[0] == 'y') {
                TarHeader opq = header(path + "/.wh..wh..opq", st);
                opq.type = S_IFREG;
                opq.mode = 0;
                w_.add(opq);
            }
            continue;  // the walk goes in next
        }
        if (S_ISSOCK(st.st_mode)) continue;  // not content

        TarHeader h = header(path, st);
        if (!S_ISDIR(st.st_mode) && st.st_nlink > 1) {
            auto key = std::make_pair(st.st_dev, st.st_ino);
            auto it = links_.find(key);
            if (it != links_.end()) {
                h.hardlink = it->second;
                w_.add(h);
                continue;
            }
            links_.emplace(key, path);
        }
        if (S_ISREG(st.st_mode)) {
            UniqueFd fd(::openat(dir_fd, name.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
            if (!fd) throw_errno("open " + path);
            h.xattrs = read_xattrs(fd.get(), "", path);
            h.size = static_cast<uint64_t>(st.st_size);
            w_.write_header(h);
            w_.copy_from_fd(fd.get(), h.size, path);
            continue;
        }
        if (S_ISLNK(st.st_mode)) {
            std::string target(static_cast<size_t>(st.st_size) + 1, '\0');
            ssize_t n = ::readlinkat(dir_fd, name.c_str(), target.data(), target.size());
            if (n < 0) throw_errno("readlink " + path);
            target.resize(static_cast<size_t>(n));
            h.symlink = target;
        } else if (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode)) {
            h.rdev = st.st_rdev;
        }
        h.xattrs = read_xattrs(-1, proc, path);
        w_.add(h);
    }
}

}  // namespace

DiffResult write_layer_diff(const std::string& upper, int out_fd, const DiffOptions& options) {
    UniqueFd root(::open(upper.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!root) throw_errno("open " + upper);
    std::vector<UniqueFd> lowers;
    for (const auto& lower : options.lowers) {
        UniqueFd fd(::open(lower.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
        if (!fd) throw_errno("open " + lower);
        lowers.push_back(std::move(fd));
    }
    TarWriter writer(out_fd);
    Differ differ(writer, options, std::move(lowers));
    differ.walk(root.get(), upper);
    DiffResult result;
    result.diff_id = writer.finish();
    result.size = writer.bytes_written();
    return result;
}

}  // namespace berth::image
