#include "common/directory_size.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>

#include <cstring>
#include <set>
#include <utility>

#include "common/unique_fd.hpp"

namespace berth {

namespace {

using Seen = std::set<std::pair<dev_t, ino_t>>;

// `dir_fd` is owned and closed here (fdopendir takes it over).
int64_t walk(int dir_fd, Seen& seen, int depth) {
    DIR* d = ::fdopendir(dir_fd);
    if (!d) {
        ::close(dir_fd);
        return 0;
    }
    int64_t total = 0;
    while (dirent* ent = ::readdir(d)) {
        if (std::strcmp(ent->d_name, ".") == 0 || std::strcmp(ent->d_name, "..") == 0) continue;
        struct stat st {};
        if (::fstatat(::dirfd(d), ent->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0) continue;
        if (S_ISDIR(st.st_mode)) {
            // Deep enough is deep enough: a pathological tree must not exhaust the stack.
            if (depth >= 256) continue;
            int child =
                ::openat(::dirfd(d), ent->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
            if (child >= 0) total += walk(child, seen, depth + 1);
            continue;
        }
        if (st.st_size <= 0) continue;
        if (st.st_nlink > 1 && !seen.emplace(st.st_dev, st.st_ino).second) continue;
        total += st.st_size;
    }
    ::closedir(d);
    return total;
}

}  // namespace

int64_t directory_size(const std::string& path) {
    int fd = ::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return 0;
    Seen seen;
    return walk(fd, seen, 0);
}

}  // namespace berth
