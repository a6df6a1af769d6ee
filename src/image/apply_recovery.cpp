#include "image/apply_recovery.hpp"

#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>

#include "common/error.hpp"
#include "common/unique_fd.hpp"
#include "image/apply_log.hpp"
#include "image/tar_path.hpp"
#include "image/xattrs.hpp"

namespace berth::image {

namespace {

timespec parse_time(const std::string& s) {
    timespec t{};
    char* end = nullptr;
    t.tv_sec = static_cast<time_t>(std::strtoll(s.c_str(), &end, 10));
    if (end && *end == '.') t.tv_nsec = std::strtol(end + 1, nullptr, 10);
    return t;
}

uint64_t parse_u(const std::string& s) {
    return std::strtoull(s.c_str(), nullptr, 10);
}

std::string proc_path(int fd) {
    return "/proc/self/fd/" + std::to_string(fd);
}

class Replay {
  public:
    Replay(int root, std::string log_path) : root_(root), log_path_(std::move(log_path)) {}

    std::string run() {
        ApplyLogContents log = read_apply_log(log_path_);
        mark_.reset(::open(log_path_.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC));
        if (!mark_) throw_errno("open " + log_path_);
        std::string left;
        if (log.committed) {
            // The apply succeeded; only its aside dirs were still to go.
            for (const auto& r : log.records)
                if (r.kind == "A" && !cancelled(log, r.fields[0])) remove_aside(r.fields[0], left);
        } else {
            for (size_t i = log.records.size(); i-- > 1;) {
                if (log.undone.count(i)) continue;
                const auto& r = log.records[i];
                if (r.kind == "A" && cancelled(log, r.fields[0])) continue;
                try {
                    undo(r);
                    mark(i);
                } catch (const std::exception& e) {
                    if (!left.empty()) left += "; ";
                    left += e.what();
                    if (r.kind == "M") failed_move_ = true;
                }
            }
        }
        if (left.empty() && ::unlink(log_path_.c_str()) < 0 && errno != ENOENT)
            throw_errno("remove " + log_path_);
        return left;
    }

  private:
    static bool cancelled(const ApplyLogContents& log, const std::string& aside) {
        for (const auto& r : log.records)
            if (r.kind == "A-" && r.fields.size() == 1 && r.fields[0] == aside) return true;
        return false;
    }

    void mark(size_t i) {
        std::string line = "D " + std::to_string(i) + "\n";
        if (::write(mark_.get(), line.data(), line.size()) != static_cast<ssize_t>(line.size()))
            throw_errno("write " + log_path_);
    }

    // The directory `rel` under the root, or an invalid fd when it is not there (any more).
    UniqueFd dir(const std::string& rel) {
        UniqueFd fd = open_beneath(root_, rel, O_PATH | O_DIRECTORY, true);
        if (!fd && errno != ENOENT && errno != ENOTDIR) throw_errno("open " + rel);
        return fd;
    }

    void remove_aside(const std::string& name, std::string& left) {
        try {
            remove_tree_at(root_, name);
        } catch (const std::exception& e) {
            if (!left.empty()) left += "; ";
            left += e.what();
        }
    }

    void need(const ApplyLogRecord& r, size_t n) {
        if (r.fields.size() < n)
            throw Error(Errc::invalid_argument, log_path_ + ": short " + r.kind + " record");
    }

    void undo(const ApplyLogRecord& r) {
        const auto& f = r.fields;
        if (r.kind == "C") {
            need(r, 2);
            UniqueFd d = dir(f[0]);
            if (d) remove_tree_at(d.get(), f[1]);
        } else if (r.kind == "M") {
            need(r, 4);
            UniqueFd aside = dir(f[0]);
            struct stat st {};
            if (!aside || ::fstatat(aside.get(), f[3].c_str(), &st, AT_SYMLINK_NOFOLLOW) < 0)
                return;  // the move never happened
            UniqueFd d = dir(f[1]);
            if (!d) throw Error(Errc::internal, "cannot put back " + f[1] + "/" + f[2] +
                                                    ": its directory is gone");
            remove_tree_at(d.get(), f[2]);  // anything there came after the move
            if (::renameat(aside.get(), f[3].c_str(), d.get(), f[2].c_str()) < 0)
                throw_errno("put back " + f[1] + "/" + f[2] + " from " + f[0] + "/" + f[3]);
        } else if (r.kind == "T") {
            need(r, 3);
            UniqueFd d = dir(f[0]);
            if (!d) return;
            timespec ts[2] = {parse_time(f[1]), parse_time(f[2])};
            if (::utimensat(AT_FDCWD, proc_path(d.get()).c_str(), ts, 0) < 0)
                throw_errno("restore times of " + f[0]);
        } else if (r.kind == "P") {
            need(r, 7);
            UniqueFd d = dir(f[0]);
            if (!d) return;
            size_t n = parse_u(f[6]);
            need(r, 7 + 2 * n);
            std::vector<std::pair<std::string, std::string>> xattrs;
            for (size_t i = 0; i < n; ++i) xattrs.emplace_back(f[7 + 2 * i], f[8 + 2 * i]);
            std::string path = proc_path(d.get());
            restore_xattrs(path, xattrs, f[0]);
            if (::fchownat(d.get(), "", static_cast<uid_t>(parse_u(f[1])),
                           static_cast<gid_t>(parse_u(f[2])), AT_EMPTY_PATH) < 0 &&
                errno != EPERM) {
                throw_errno("restore owner of " + f[0]);
            }
            if (::fchmodat(AT_FDCWD, path.c_str(), static_cast<mode_t>(parse_u(f[3])), 0) < 0)
                throw_errno("restore mode of " + f[0]);
            timespec ts[2] = {parse_time(f[4]), parse_time(f[5])};
            if (::utimensat(AT_FDCWD, path.c_str(), ts, 0) < 0)
                throw_errno("restore times of " + f[0]);
        } else if (r.kind == "A") {
            need(r, 1);
            // Its entries were put back by the M records undone before this one; what is left
            // is only there when one of them failed, and then it must stay.
            if (failed_move_)
                throw Error(Errc::internal, "kept " + f[0] + ": it holds what was not put back");
            remove_tree_at(root_, f[0]);
        } else if (r.kind != "K") {
            throw Error(Errc::invalid_argument, log_path_ + ": unknown record " + r.kind);
        }
    }

    int root_;
    std::string log_path_;
    UniqueFd mark_;
    bool failed_move_ = false;
};

}  // namespace

std::string replay_apply_log(int root_fd, const std::string& log_path) {
    return Replay(root_fd, log_path).run();
}

std::string recover_apply(int outer_root_fd, const std::string& log_path) {
    ApplyLogContents log = read_apply_log(log_path);
    open_how how{};
    how.flags = O_PATH | O_DIRECTORY | O_CLOEXEC;
    how.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;
    std::string base = log.base.empty() ? "/" : log.base;
    long fd = ::syscall(SYS_openat2, outer_root_fd, base.c_str(), &how, sizeof how);
    if (fd < 0) {
        if (errno != ENOENT && errno != ENOTDIR) throw_errno("open " + base);
        // Nothing of the apply can be left where its root no longer is.
        if (::unlink(log_path.c_str()) < 0 && errno != ENOENT) throw_errno("remove " + log_path);
        return "";
    }
    UniqueFd root(static_cast<int>(fd));
    return replay_apply_log(root.get(), log_path);
}

}  // namespace berth::image
