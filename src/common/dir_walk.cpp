#include "common/dir_walk.hpp"

#include <dirent.h>
#include <fcntl.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "common/error.hpp"

namespace berth {

DirWalk::DirWalk(int root_fd, std::string shown, bool post_order)
    : root_(::fcntl(root_fd, F_DUPFD_CLOEXEC, 0)), shown_(std::move(shown)),
      post_order_(post_order) {
    if (!root_) throw_errno("dup " + shown_);
    struct stat st {};
    if (::fstat(root_.get(), &st) < 0) throw_errno("stat " + shown_);
    UniqueFd first(::fcntl(root_.get(), F_DUPFD_CLOEXEC, 0));
    if (!first) throw_errno("dup " + shown_);
    enter(std::move(first), st, 0);
}

std::vector<std::string> DirWalk::list(int dir_fd) const {
    // fdopendir takes its descriptor over: a duplicate (its own offset from the rewind) keeps
    // dir_fd ours.
    UniqueFd dup(::fcntl(dir_fd, F_DUPFD_CLOEXEC, 0));
    if (!dup) throw_errno("dup " + (path_.empty() ? shown_ : shown_ + "/" + path_));
    DIR* d = ::fdopendir(dup.get());
    if (!d) throw_errno("opendir " + (path_.empty() ? shown_ : shown_ + "/" + path_));
    dup.release();
    ::rewinddir(d);
    std::vector<std::string> names;
    errno = 0;
    while (dirent* ent = ::readdir(d)) {
        if (std::strcmp(ent->d_name, ".") != 0 && std::strcmp(ent->d_name, "..") != 0) {
            names.emplace_back(ent->d_name);
        }
    }
    ::closedir(d);
    std::sort(names.begin(), names.end(), std::greater<>());  // popped from the back
    return names;
}

void DirWalk::enter(UniqueFd dir, const struct stat& st, size_t path_len) {
    levels_.push_back(Level{list(dir.get()), st.st_dev, st.st_ino, path_len});
    cur_ = std::move(dir);
}

void DirWalk::climb() {
    levels_.pop_back();
    if (levels_.empty()) {
        cur_.reset();
        return;
    }
    const Level& up = levels_.back();
    UniqueFd parent(levels_.size() == 1
                        ? ::fcntl(root_.get(), F_DUPFD_CLOEXEC, 0)
                        : ::openat(cur_.get(), "..", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    struct stat st {};
    if (!parent || ::fstat(parent.get(), &st) < 0) throw_errno("open " + shown_ + "/" + path_ + "/..");
    if (st.st_dev != up.dev || st.st_ino != up.ino) {
        throw Error(Errc::conflict,
                    shown_ + "/" + path_.substr(0, up.path_len) + " was moved during the walk");
    }
    cur_ = std::move(parent);
}

bool DirWalk::next() {
    if (descend_) {
        descend_ = false;
        UniqueFd child(
            ::openat(cur_.get(), name_.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
        struct stat st {};
        if (child && ::fstat(child.get(), &st) == 0 && st.st_dev == st_.st_dev &&
            st.st_ino == st_.st_ino) {
            enter(std::move(child), st, path_.size());
        } else if (!child && errno != ENOENT && errno != ENOTDIR && errno != ELOOP) {
            throw_errno("open " + shown_ + "/" + path_);
        }
        // Otherwise replaced since it was seen: its children are not this walk's business.
    }
    while (!levels_.empty()) {
        Level& level = levels_.back();
        if (level.todo.empty()) {
            size_t len = level.path_len;
            bool report = post_order_ && levels_.size() > 1;
            climb();
            path_.resize(len);
            if (report) {
                // This directory again, now empty of what the walk saw: stat it from its parent.
                size_t slash = path_.rfind('/');
                name_ = slash == std::string::npos ? path_ : path_.substr(slash + 1);
                if (::fstatat(cur_.get(), name_.c_str(), &st_, AT_SYMLINK_NOFOLLOW) < 0) {
                    if (errno == ENOENT) continue;
                    throw_errno("stat " + shown_ + "/" + path_);
                }
                leaving_ = true;
                return true;
            }
            continue;
        }
        name_ = std::move(level.todo.back());
        level.todo.pop_back();
        if (::fstatat(cur_.get(), name_.c_str(), &st_, AT_SYMLINK_NOFOLLOW) < 0) {
            if (errno == ENOENT) continue;
            throw_errno("stat " + shown_ + "/" + path_ + "/" + name_);
        }
        // path_ names the current directory; the entry's path is that plus its name.
        path_.resize(level.path_len);
        if (!path_.empty()) path_ += '/';
        path_ += name_;
        if (max_path_ && path_.size() > max_path_) {
            throw Error(Errc::invalid_argument, shown_ + "/" + path_.substr(0, 64) +
                                                    "...: path longer than " +
                                                    std::to_string(max_path_) + " bytes");
        }
        leaving_ = false;
        descend_ = S_ISDIR(st_.st_mode);
        return true;
    }
    return false;
}

}  // namespace berth
