#pragma once
// A depth-first walk of a directory tree that neither recurses nor keeps a descriptor per level,
// so a tree as deep as a container's user cares to make (60,000 levels take one shell loop) costs
// the walker memory for the names still to visit, never the thread's stack or the process's fds.
// It holds two descriptors: the root's and the current directory's. It descends with openat()
// and climbs back with openat(".."), checking that ".." is the directory it came from (by device
// and inode), so a rename in a running container cannot lead the walk outside its root.
#include <sys/stat.h>

#include <cstddef>
#include <string>
#include <vector>

#include "common/unique_fd.hpp"

namespace berth {

class DirWalk {
public:
    // Walks below the directory `root_fd` (duplicated; the root itself is not reported).
    // `shown` names the root in errors. With `post_order`, each directory is reported a second
    // time after its children (leaving() true), as a removal needs.
    DirWalk(int root_fd, std::string shown, bool post_order = false);

    // An entry whose path() is longer than this is an invalid_argument error, not a visit.
    // Archives set kArchivePathMax: no tool can extract a longer name (the kernel takes no
    // longer path), and the names of a 60,000-level tree alone add up to gigabytes.
    void limit_path(size_t max) { max_path_ = max; }
    static constexpr size_t kArchivePathMax = 4096;  // PATH_MAX

    // Moves to the next entry, children of a directory in name order; false when done.
    // An entry that vanishes between listing and visit is skipped.
    bool next();

    // After next() reported a directory (not leaving): do not visit its children.
    void skip_children() { descend_ = false; }

    const std::string& path() const { return path_; }  // relative to the root: "a/b/c"
    const std::string& name() const { return name_; }  // its last component
    int parent_fd() const { return cur_.get(); }       // the directory holding it, until next()
    const struct stat& st() const { return st_; }
    bool leaving() const { return leaving_; }
    size_t depth() const { return levels_.size(); }  // 1 for the root's children

private:
    struct Level {
        std::vector<std::string> todo;  // names still to visit, last first
        dev_t dev;                      // the directory itself, to recognise it from below
        ino_t ino;
        size_t path_len;  // length of path_ naming this directory
    };
    void enter(UniqueFd dir, const struct stat& st, size_t path_len);
    void climb();
    std::vector<std::string> list(int dir_fd) const;

    UniqueFd root_;
    UniqueFd cur_;
    std::string shown_;
    bool post_order_;
    std::vector<Level> levels_;
    std::string path_;
    std::string name_;
    struct stat st_ {};
    bool leaving_ = false;
    bool descend_ = false;  // the last entry is a directory to enter on the next call
    size_t max_path_ = 0;   // 0: none
};

}  // namespace berth
