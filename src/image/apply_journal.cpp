#include "image/apply_journal.hpp"

#include <fcntl.h>
#include <sys/random.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>

#include "common/error.hpp"
#include "image/apply_log.hpp"
#include "image/apply_recovery.hpp"
#include "image/tar_path.hpp"
#include "image/xattrs.hpp"

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
    if (file_) file_->dir_times(dir_rel, st);
    Record r(Kind::dir_times, dir_rel, "", st.st_dev, st.st_ino);
    r.st = st;
    log_.push_back(std::move(r));
}

void ApplyJournal::creating(int dir_fd, const std::string& dir_rel, const std::string& name) {
    touch_dir(dir_fd, dir_rel);
    if (file_) last_creating_ = file_->creating(dir_rel, name);
}

void ApplyJournal::not_created() {
    if (file_ && last_creating_) file_->undone(last_creating_);
    last_creating_ = 0;
}

bool ApplyJournal::was_created(int dir_fd, const std::string& name) const {
    struct stat st {};
    return ::fstatat(dir_fd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0 && is_new(st);
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
        if (file_) file_->aside(name);
        if (::mkdirat(root_, name, 0700) == 0) {
            aside_name_ = name;
            break;
        }
        int err = errno;
        if (file_) file_->aside(name, true);  // someone else's: recovery must not remove it
        if (err != EEXIST || attempt > 16) throw_sys(std::string("mkdir ") + name, err);
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
    if (file_) file_->moving(aside_name_, dir_rel, name, seq);
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
    if (file_) file_->meta(rel, st, r.xattrs);
    log_.push_back(std::move(r));
}

void ApplyJournal::commit() {
    if (file_) file_->committing();  // from here on a crash completes the apply
    if (aside_) {
        aside_.reset();
        remove_tree_at(root_, aside_name_);
        if (have_root_before_aside_ && !root_changed_)
            set_times(root_, root_before_aside_, "the layer root");
    }
    log_.clear();
    if (file_) file_->remove();
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
            restore_xattrs(path, r.xattrs, r.dir_rel);
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
    if (file_) {
        // The file says all the in-memory log does, and a replay of it is the one a crash
        // would get: one way to undo an apply that must survive one.
        log_.clear();
        aside_.reset();
        try {
            std::string left = replay_apply_log(root_, file_->path());
            if (left.empty()) file_->remove();
            return left;
        } catch (const std::exception& e) {
            return e.what();
        }
    }
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
