#include "common/file_util.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "common/dir_walk.hpp"
#include "common/error.hpp"
#include "common/unique_fd.hpp"

namespace berth {

namespace {
std::string read_all(int fd, const std::string& path) {
    std::string out;
    char buf[16384];
    for (;;) {
        ssize_t n = ::read(fd, buf, sizeof buf);
        if (n < 0) {
            if (errno == EINTR) continue;
            throw_errno("read " + path);
        }
        if (n == 0) break;
        out.append(buf, static_cast<size_t>(n));
    }
    return out;
}

void write_all(int fd, std::string_view data, const std::string& path) {
    while (!data.empty()) {
        ssize_t n = ::write(fd, data.data(), data.size());
        if (n < 0) {
            if (errno == EINTR) continue;
            throw_errno("write " + path);
        }
        data.remove_prefix(static_cast<size_t>(n));
    }
}
}  // namespace

std::optional<std::string> read_file_if_exists(const std::string& path) {
    UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd) {
        if (errno == ENOENT) return std::nullopt;
        throw_errno("open " + path);
    }
    return read_all(fd.get(), path);
}

std::string read_file(const std::string& path) {
    UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd) throw_errno("open " + path);
    return read_all(fd.get(), path);
}

void write_file_atomic(const std::string& path, std::string_view data, mode_t mode, Durability durability) {
    std::string tmp = path + ".tmp." + std::to_string(::getpid());
    UniqueFd fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode));
    if (!fd) throw_errno("create " + tmp);
    try {
        write_all(fd.get(), data, tmp);
        if (durability == Durability::fsync && ::fsync(fd.get()) < 0) throw_errno("fsync " + tmp);
    } catch (...) {
        ::unlink(tmp.c_str());
        throw;
    }
    fd.reset();
    if (::rename(tmp.c_str(), path.c_str()) < 0) {
        int err = errno;
        ::unlink(tmp.c_str());
        throw_sys("rename " + tmp + " to " + path, err);
    }
}

void write_file(const std::string& path, std::string_view data) {
    UniqueFd fd(::open(path.c_str(), O_WRONLY | O_TRUNC | O_CLOEXEC));
    if (!fd) throw_errno("open " + path);
    ssize_t n = ::write(fd.get(), data.data(), data.size());
    if (n < 0) throw_errno("write " + path);
}

void mkdir_all(const std::string& path, mode_t mode) {
    if (path.empty()) return;
    std::string cur;
    size_t pos = 0;
    while (pos != std::string::npos) {
        size_t next = path.find('/', pos + 1);
        cur = path.substr(0, next);
        pos = next;
        if (cur.empty() || cur == "/") continue;
        if (::mkdir(cur.c_str(), mode) < 0 && errno != EEXIST) throw_errno("mkdir " + cur);
    }
    struct stat st {};
    if (::stat(path.c_str(), &st) < 0) throw_errno("stat " + path);
    if (!S_ISDIR(st.st_mode)) throw Error(Errc::invalid_argument, path + " exists and is not a directory");
}

namespace {
// `shown/rel` for an error, cut short: a path 60,000 levels deep is 120 KB of "d/d/d".
std::string shown_path(const std::string& shown, const std::string& rel) {
    std::string p = rel.empty() ? shown : shown + "/" + rel;
    return p.size() > 512 ? p.substr(0, 512) + "..." : p;
}

// Empties the directory `dir` (on device `dev`) with a post-order DirWalk: two descriptors and
// no recursion whatever the depth, so a tree a container's user made deep enough to overflow
// the stack or use up the fds (60,000 levels) still goes, and a container's removal finishes.
void remove_below(int dir, dev_t dev, const std::string& shown) {
    DirWalk walk(dir, shown, /*post_order=*/true);
    while (walk.next()) {
        const struct stat& st = walk.st();
        if (S_ISDIR(st.st_mode) && !walk.leaving()) {
            if (st.st_dev != dev) {
                throw Error(Errc::conflict, "refusing to remove " + shown_path(shown, walk.path()) +
                                                ": it is a mount point");
            }
            continue;  // removed when the walk leaves it, empty
        }
        int flags = S_ISDIR(st.st_mode) ? AT_REMOVEDIR : 0;
        if (::unlinkat(walk.parent_fd(), walk.name().c_str(), flags) < 0 && errno != ENOENT) {
            throw_errno((flags ? "rmdir " : "unlink ") + shown_path(shown, walk.path()));
        }
    }
}
}  // namespace

void remove_all_at(int parent, const std::string& name, const std::string& shown) {
    struct stat st {};
    if (::fstatat(parent, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) < 0) {
        if (errno == ENOENT) return;
        throw_errno("stat " + shown);
    }
    if (S_ISDIR(st.st_mode)) {
        UniqueFd dir(::openat(parent, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
        if (!dir) throw_errno("open " + shown);
        remove_below(dir.get(), st.st_dev, shown);
        if (::unlinkat(parent, name.c_str(), AT_REMOVEDIR) < 0 && errno != ENOENT) throw_errno("rmdir " + shown);
    } else if (::unlinkat(parent, name.c_str(), 0) < 0 && errno != ENOENT) {
        throw_errno("unlink " + shown);
    }
}

void remove_all(const std::string& path) { remove_all_at(AT_FDCWD, path, path); }

bool path_exists(const std::string& path) {
    struct stat st {};
    return ::lstat(path.c_str(), &st) == 0;
}

void pipe_pair(UniqueFd& read_end, UniqueFd& write_end) {
    int p[2];
    if (::pipe2(p, O_CLOEXEC) < 0) throw_errno("pipe");
    read_end.reset(p[0]);
    write_end.reset(p[1]);
}

std::vector<std::string> sorted_dir_entries(int dir_fd, const std::string& what) {
    // fdopendir takes the fd over; a duplicate leaves the caller's open.
    DIR* d = ::fdopendir(::fcntl(dir_fd, F_DUPFD_CLOEXEC, 0));
    if (!d) throw_errno("opendir " + what);
    std::vector<std::string> names;
    while (dirent* e = ::readdir(d)) {
        std::string n = e->d_name;
        if (n != "." && n != "..") names.push_back(std::move(n));
    }
    ::closedir(d);
    std::sort(names.begin(), names.end());
    return names;
}

}  // namespace berth
