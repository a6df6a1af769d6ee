#include "common/directory_size.hpp"

#include <fcntl.h>
#include <sys/stat.h>

#include <set>
#include <utility>

#include "common/dir_walk.hpp"
#include "common/error.hpp"
#include "common/unique_fd.hpp"

namespace berth {

int64_t directory_size(const std::string& path) {
    UniqueFd fd(::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!fd) return 0;
    std::set<std::pair<dev_t, ino_t>> seen;
    int64_t total = 0;
    try {
        // DirWalk, not recursion: a container's user decides how deep its upper layer goes.
        DirWalk walk(fd.get(), path);
        while (walk.next()) {
            const struct stat& st = walk.st();
            if (S_ISDIR(st.st_mode) || st.st_size <= 0) continue;
            if (st.st_nlink > 1 && !seen.emplace(st.st_dev, st.st_ino).second) continue;
            total += st.st_size;
        }
    } catch (const Error&) {
        // A size is informational (ps -s, inspect --size): what could be read, as before.
    }
    return total;
}

}  // namespace berth
