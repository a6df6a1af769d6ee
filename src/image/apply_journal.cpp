#include "image/apply_journal.hpp"

#include <fcntl.h>
#include <sys/random.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>

#include "common/error.hpp"
#include "image/tar_path.hpp"

namespace berth::image {

namespace {

// Directories are held as O_PATH fds (a mode 000 directory still opens) and changed through
// their /proc/self/fd magic link, which the *at and *xattr calls follow to exactly that inode.
std::string proc_path(int fd) {
    return "/proc/self/fd/" + std::to_string(fd);
}

void set_times(int fd, const struct stat& st, const std::string& what) {
    timespec ts[2] = {st.st_atim, st.st_mtim};
    if (::utimensat(AT_FDCWD, proc_path(fd).c_str(), ts, 0) < 0)
        throw_errno("restore times of " + what);
}

std::vector<std::string> list_xattrs(const std::string& path) {
    std::vector<std::string> out;
    for (;;) {
        ssize_t n = ::listxattr(path.c_str(), nullptr, 0);
        if (n < 0) {
            if (errno == ENOTSUP) return out;
            throw_errno("list xattrs of " + path);
        }
        std::string buf(static_cast<size_t>(n), '\0');
        n = ::listxattr(path.c_str(), buf.data(), buf.size());
        if (n < 0 && errno == ERANGE) continue;
        if (n < 0) throw_errno("list xattrs of " + path);
        for (size_t pos = 0; pos < static_cast<size_t>(n);) {
            std::string name(buf.c_str() + pos);
            pos += name.size() + 1;
            if (!name.empty()) out.push_back(std::move(name));
        }
        return out;
    }
}

std::string get_xattr(const std::string& path, const std::string& name) {
    for (;;) {
        ssize_t n = ::getxattr(path.c_str(), name.c_str(), nullptr, 0);
        if (n < 0) throw_errno("get xattr " + name + " of " + path);
        std::string value(static_cast<size_t>(n), '\0');
        n = ::getxattr(path.c_str(), name.c_str(), value.data(), value.size());
        if (n < 0 && errno == ERANGE) continue;
        if (n < 0) throw_errno("get xattr " + name + " of " + path);
        value.resize(static_cast<size_t>(n));
        return value;
    }
}

bool same_inode(int fd, dev_t dev, ino_t ino) {
    struct stat st {};
    return ::fstat(fd, &st) == 0 && st.st_dev == dev && st.st_ino == ino;
}

}  // namespace

UniqueFd ApplyJournal::open_dir(const std::string& rel, bool /*path_only*/) {
    return open_beneath(root_, rel, O_PATH | O_DIRECTORY, true);
}

void ApplyJournal::touch_dir(int dir_fd, const std::string& dir_rel) {
    struct stat st {};
    if (::fstat(dir_fd, &st) < 0) throw_errno("stat " + dir_rel);
    struct stat root {};
    if (::fstat(root_, &root) == 0 && root.st_dev == st.st_dev && root.st_ino == st.st_ino)
        root_changed_ = true;
    if (is_new(st) || !times_kept_.insert({st.st_dev, st.st_ino}).second) return;
    Record r(Kind::dir_times, dir_rel, "", st.st_dev, st.st_ino);
    r.st = st;
    log_.push_back(std::move(r));
}

void ApplyJournal::created(int dir_fd, const std::string& dir_rel, const std::string& name,
                           bool new_inode) {
    struct stat st {};
    if (::fstatat(dir_fd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) < 0) throw_errno("stat " + name);
    log_.emplace_back(Kind::created, dir_rel, name, st.st_dev, st.st_ino);
    if (new_inode) made_.insert({st.st_dev, st.st_ino});
}

void ApplyJournal::make_aside() {
    struct stat root {};
    if (::fstat(root_, &root) < 0) throw_errno("stat layer root");
    if (!times_kept_.count({root.st_dev, root.st_ino})) {
        // Only the aside directory changes the root's entries so far: on commit its removal
        // must not leave a new mtime behind unless the layer changes the root itself.
        bool changed = root_changed_;
        touch_dir(root_, ".");
        root_changed_ = changed;
        root_before_aside_ = root;
        have_root_before_aside_ = true;
    }
    for (int attempt = 0;; ++attempt) {
        unsigned char rnd[4];
        if (::getrandom(rnd, sizeof rnd, 0) != static_cast<ssize_t>(sizeof rnd))
            throw_errno("getrandom");
        char name[32];
        std::snprintf(name, sizeof name, ".berth-apply-%02x%02x%02x%02x", rnd[0], rnd[1], rnd[2],
                      rnd[3]);
        if (::mkdirat(root_, name, 0700) == 0) {
            aside_name_ = name;
            break;
        }
        if (errno != EEXIST || attempt > 16) throw_errno(std::string("mkdir ") + name);
    }
    aside_ = UniqueFd(
        ::openat(root_, aside_name_.c_str(), O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (!aside_) throw_errno("open " + aside_name_);
    log_.emplace_back(Kind::aside, ".", aside_name_);
}

void ApplyJournal::displace(int dir_fd, const std::string& dir_rel, const std::string& name) {
    struct stat st {};
    if (::fstatat(dir_fd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) < 0) {
        if (errno == ENOENT) return;
        throw_errno("stat " + name);
    }
    touch_dir(dir_fd, dir_rel);
    if (is_new(st)) {  // the layer's own (and so is everything inside it)
        remove_tree_at(dir_fd, name);
        return;
    }
    if (!aside_) make_aside();
    uint64_t seq = next_aside_++;
    std::string to = std::to_string(seq);
    if (::renameat(dir_fd, name.c_str(), aside_.get(), to.c_str()) < 0) {
        if (errno == EBUSY || errno == EXDEV) {
            throw Error(Errc::conflict, "refusing to replace " + name + ": it is a mount point");
        }
        throw_errno("move " + name + " aside");
    }
    Record r(Kind::moved, dir_rel, name);
    r.aside = seq;
    log_.push_back(std::move(r));
}

void ApplyJournal::keep_meta(int dir_fd, const std::string& rel) {
    struct stat st {};
    if (::fstat(dir_fd, &st) < 0) throw_errno("stat " + rel);
    if (is_new(st) || !meta_kept_.insert({st.st_dev, st.st_ino}).second) return;
    Record r(Kind::meta, rel, "", st.st_dev, st.st_ino);
    r.st = st;
    std::string path = proc_path(dir_fd);
    for (auto& name : list_xattrs(path)) {
        std::string value = get_xattr(path, name);
        r.xattrs.emplace_back(std::move(name), std::move(value));
    }
    log_.push_back(std::move(r));
}

void ApplyJournal::commit() {
    if (aside_) {
        aside_.reset();
        remove_tree_at(root_, aside_name_);
        if (have_root_before_aside_ && !root_changed_)
            set_times(root_, root_before_aside_, "the layer root");
    }
    log_.clear();
}

void ApplyJournal::undo(const Record& r) {
    switch (r.kind) {
        case Kind::created: {
            UniqueFd dir = open_dir(r.dir_rel, true);
            if (!dir) return;  // gone with its parent, which is undone later
            struct stat st {};
            if (::fstatat(dir.get(), r.name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0 &&
                st.st_dev == r.dev && st.st_ino == r.ino) {
                remove_tree_at(dir.get(), r.name);
            }
            return;
        }
        case Kind::moved: {
            UniqueFd dir = open_dir(r.dir_rel, true);
            if (!dir) throw_errno("open " + r.dir_rel);
            remove_tree_at(dir.get(), r.name);  // anything there came after the move
            std::string from = std::to_string(r.aside);
            if (::renameat(aside_.get(), from.c_str(), dir.get(), r.name.c_str()) < 0) {
                throw_errno("put back " + (r.dir_rel == "." ? r.name : r.dir_rel + "/" + r.name) +
                            " from " + aside_name_ + "/" + from);
            }
            return;
        }
        case Kind::dir_times: {
            UniqueFd dir = open_dir(r.dir_rel, true);
            if (!dir || !same_inode(dir.get(), r.dev, r.ino))
                throw Error(Errc::internal, r.dir_rel + " changed");
            set_times(dir.get(), r.st, r.dir_rel);
            return;
        }
        case Kind::meta: {
            UniqueFd dir = open_dir(r.dir_rel, true);
            if (!dir || !same_inode(dir.get(), r.dev, r.ino))
                throw Error(Errc::internal, r.dir_rel + " changed");
            std::string path = proc_path(dir.get());
            for (const auto& name : list_xattrs(path)) {
                bool kept = false;
                for (const auto& [n, v] : r.xattrs) kept = kept || n == name;
                if (!kept && ::removexattr(path.c_str(), name.c_str()) < 0)
                    throw_errno("remove xattr " + name + " of " + r.dir_rel);
            }
            for (const auto& [n, v] : r.xattrs) {
                if (::setxattr(path.c_str(), n.c_str(), v.data(), v.size(), 0) < 0)
                    throw_errno("restore xattr " + n + " of " + r.dir_rel);
            }
            // Unprivileged callers never changed owners, and may not set them back either.
            if (::fchownat(dir.get(), "", r.st.st_uid, r.st.st_gid, AT_EMPTY_PATH) < 0 &&
                errno != EPERM) {
                throw_errno("restore owner of " + r.dir_rel);
            }
            if (::fchmodat(AT_FDCWD, path.c_str(), r.st.st_mode & 07777, 0) < 0)
                throw_errno("restore mode of " + r.dir_rel);
            set_times(dir.get(), r.st, r.dir_rel);
            return;
        }
        case Kind::aside:
            aside_.reset();
            remove_tree_at(root_, aside_name_);
            return;
    }
}

std::string ApplyJournal::rollback() noexcept {
    std::string left;
    for (auto it = log_.rbegin(); it != log_.rend(); ++it) {
        try {
            undo(*it);
        } catch (const std::exception& e) {
            if (!left.empty()) left += "; ";
            left += e.what();
        }
    }
    log_.clear();
    return left;
}

}  // namespace berth::image
