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

namespace {

// Calls fn with each '/'-separated component of name, empty ones included.
template <class Fn>
void each_component(std::string_view name, Fn&& fn) {
    size_t pos = 0;
    while (pos <= name.size()) {
        size_t slash = name.find('/', pos);
        if (slash == std::string_view::npos) slash = name.size();
        fn(name.substr(pos, slash - pos));
        pos = slash + 1;
    }
}

}  // namespace

std::vector<std::string> split_entry_path(std::string_view name) {
    if (!name.empty() && name.front() == '/') throw_escape(name);
    std::vector<std::string> out;
    each_component(name, [&](std::string_view comp) {
        if (comp == "..") throw_escape(name);
        if (!comp.empty() && comp != ".") out.emplace_back(comp);
    });
    return out;
}

std::vector<std::string> split_untar_path(std::string_view name, std::string_view dest) {
    bool rooted = !name.empty() && name.front() == '/';
    std::vector<std::string> out;
    each_component(name, [&](std::string_view comp) {
        if (comp.empty() || comp == ".") return;
        if (comp != "..") {
            out.emplace_back(comp);
        } else if (!out.empty() && out.back() != "..") {
            out.pop_back();
        } else if (!rooted) {
            out.emplace_back(comp);  // above the root: refused below
        }  // "/.." is "/", as filepath.Clean has it
    });
    if (!out.empty() && out.front() == "..") {
        throw Error(Errc::internal, go_quote(join_path(out, out.size())) + " is outside of " +
                                        go_quote(dest));
    }
    return out;
}

std::string go_quote(std::string_view s) {
    static const char* hex = "0123456789abcdef";
    std::string out = "\"";
    for (unsigned char c : s) {
        switch (c) {
            case '"': out += "\\\""; break;
            case '\\': out += "\\\\"; break;
            case '\n': out += "\\n"; break;
            case '\t': out += "\\t"; break;
            case '\r': out += "\\r"; break;
            default:
                if (c < 0x20 || c == 0x7f) {
                    out += "\\x";
                    out += hex[c >> 4];
                    out += hex[c & 15];
                } else {
                    out += static_cast<char>(c);
                }
        }
    }
    return out + "\"";
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
            if (hook) (*hook)(cur.get(), join_path(comps, i), comps[i], MkdirStep::before);
            if (::mkdirat(cur.get(), comps[i].c_str(), 0755) < 0) {
                int mkdir_err = errno;
                if (hook) (*hook)(cur.get(), join_path(comps, i), comps[i], MkdirStep::failed);
                if (mkdir_err != EEXIST) {
                    throw_sys("layer entry \"" + std::string(entry) + "\": mkdir " + prefix,
                              mkdir_err);
                }
            } else if (hook) {
                (*hook)(cur.get(), join_path(comps, i), comps[i], MkdirStep::made);
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
