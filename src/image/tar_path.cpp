#include "image/tar_path.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "common/error.hpp"
#include "common/file_util.hpp"

namespace berth::image {

void throw_escape(std::string_view entry) {
    throw Error(Errc::invalid_argument,
                "layer entry \"" + std::string(entry) + "\": path escapes the layer root");
}

std::vector<std::string> split_entry_path(std::string_view name) {
    if (!name.empty() && name.front() == '/') throw_escape(name);
    std::vector<std::string> out;
    size_t pos = 0;
    while (pos <= name.size()) {
        size_t slash = name.find('/', pos);
        if (slash == std::string_view::npos) slash = name.size();
        std::string_view comp = name.substr(pos, slash - pos);
        if (comp == "..") throw_escape(name);
        if (!comp.empty() && comp != ".") out.emplace_back(comp);
        pos = slash + 1;
    }
    return out;
}

std::string join_path(const std::vector<std::string>& comps, size_t count) {
    std::string out;
    for (size_t i = 0; i < count && i < comps.size(); ++i) {
        if (i) out += '/';
        out += comps[i];
    }
    return out.empty() ? "." : out;
}

UniqueFd open_beneath(int root, const std::string& rel, int flags, bool follow_last) {
    open_how how{};
    how.flags = static_cast<uint64_t>(flags | O_CLOEXEC | (follow_last ? 0 : O_NOFOLLOW));
    how.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS;
    for (;;) {
        long fd = ::syscall(SYS_openat2, root, rel.c_str(), &how, sizeof how);
        if (fd >= 0) return UniqueFd(static_cast<int>(fd));
        if (errno == EINTR || errno == EAGAIN) continue;
        return UniqueFd();
    }
}

UniqueFd ensure_dir_beneath(int root, const std::vector<std::string>& comps, size_t count,
                            std::string_view entry, const MkdirHook* hook) {
    UniqueFd cur(::fcntl(root, F_DUPFD_CLOEXEC, 0));
    if (!cur) throw_errno("dup");
    for (size_t i = 0; i < count; ++i) {
        std::string prefix = join_path(comps, i + 1);
        for (int attempt = 0;; ++attempt) {
            UniqueFd next = open_beneath(root, prefix, O_PATH | O_DIRECTORY, true);
            if (next) {
                cur = std::move(next);
                break;
            }
            int err = errno;
            if (err == EXDEV || err == ELOOP) throw_escape(entry);
            if (err == ENOTDIR) {
                throw Error(Errc::invalid_argument, "layer entry \"" + std::string(entry) +
                                                        "\": \"" + prefix +
                                                        "\" is not a directory");
            }
            if (err != ENOENT || attempt > 0) {
                throw_sys("layer entry \"" + std::string(entry) + "\": open " + prefix, err);
            }
            // A dangling symlink here would make mkdirat fail with EEXIST, which we report.
            if (hook) (*hook)(cur.get(), join_path(comps, i), comps[i], false);
            if (::mkdirat(cur.get(), comps[i].c_str(), 0755) < 0) {
                if (errno != EEXIST)
                    throw_errno("layer entry \"" + std::string(entry) + "\": mkdir " + prefix);
            } else if (hook) {
                (*hook)(cur.get(), join_path(comps, i), comps[i], true);
            }
        }
    }
    return cur;
}

void remove_tree_at(int dir_fd, const std::string& name) {
    struct stat st {};
    if (::fstatat(dir_fd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) < 0) {
        if (errno == ENOENT) return;
        throw_errno("stat " + name);
    }
    struct stat parent {};
    if (::fstat(dir_fd, &parent) < 0) throw_errno("stat");
    if (S_ISDIR(st.st_mode) && parent.st_dev != st.st_dev) {
        throw Error(Errc::conflict, "refusing to remove " + name + ": it is a mount point");
    }
    // Iterative (DirWalk): a layer's tree may be deeper than the stack allows recursion.
    remove_all_at(dir_fd, name, name);
}

}  // namespace berth::image
