#include "storage/overlay_mount.hpp"

#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "common/error.hpp"
#include "common/file_util.hpp"
#include "common/unique_fd.hpp"

namespace berth::storage {

namespace {

// The kernel explains fsconfig failures in the fs context's log ("overlayfs: ...").
std::string context_log(int fs_fd) {
    std::string out;
    char buf[512];
    for (;;) {
        ssize_t n = ::read(fs_fd, buf, sizeof buf - 1);
        if (n <= 0) break;
        if (!out.empty()) out += "; ";
        out.append(buf, static_cast<size_t>(n));
    }
    return out;
}

// Returns 0, or the errno of the step that failed with `why` set. ENOSYS / EINVAL on
// "lowerdir+" mean the kernel is too old for this path.
int mount_new_api(const OverlayMount& m, std::string& why) {
    UniqueFd fs(::fsopen("overlay", FSOPEN_CLOEXEC));
    if (!fs) {
        why = "fsopen overlay";
        return errno;
    }
    auto set = [&](const char* key, const std::string& value) {
        if (::fsconfig(fs.get(), FSCONFIG_SET_STRING, key, value.c_str(), 0) < 0) {
            int err = errno;
            why = std::string("fsconfig ") + key + "=" + value;
            std::string log = context_log(fs.get());
            if (!log.empty()) why += " (" + log + ")";
            return err;
        }
        return 0;
    };
    for (const auto& lower : m.lowers) {
        if (int err = set("lowerdir+", lower)) return err;
    }
    if (!m.upper.empty()) {
        if (int err = set("upperdir", m.upper)) return err;
        if (int err = set("workdir", m.work)) return err;
        if (m.volatile_upper && ::fsconfig(fs.get(), FSCONFIG_SET_FLAG, "volatile", nullptr, 0) < 0) {
            why = "fsconfig volatile";
            return errno;
        }
    }
    if (::fsconfig(fs.get(), FSCONFIG_CMD_CREATE, nullptr, nullptr, 0) < 0) {
        int err = errno;
        why = "create overlay";
        std::string log = context_log(fs.get());
        if (!log.empty()) why += " (" + log + ")";
        return err;
    }
    UniqueFd mnt(::fsmount(fs.get(), FSMOUNT_CLOEXEC, 0));
    if (!mnt) {
        why = "fsmount overlay";
        return errno;
    }
    if (::move_mount(mnt.get(), "", AT_FDCWD, m.target.c_str(), MOVE_MOUNT_F_EMPTY_PATH) < 0) {
        why = "move_mount overlay to " + m.target;
        return errno;
    }
    return 0;
}

}  // namespace

void mount_overlay_legacy(const OverlayMount& m, const std::string& base,
                          const std::vector<std::string>& short_lowers) {
    const auto& lowers = short_lowers.empty() ? m.lowers : short_lowers;
    std::string data = "lowerdir=";
    for (size_t i = 0; i < lowers.size(); ++i) data += (i ? ":" : "") + lowers[i];
    if (!m.upper.empty()) data += ",upperdir=" + m.upper + ",workdir=" + m.work;
    if (!m.upper.empty() && m.volatile_upper) data += ",volatile";
    if (data.size() >= static_cast<size_t>(::getpagesize())) {
        throw Error(Errc::invalid_argument, "overlay mount options for " + m.target + " are " +
                                                std::to_string(data.size()) + " bytes, over the page limit");
    }
    pid_t pid = ::fork();
    if (pid < 0) throw_errno("fork");
    if (pid == 0) {
        if (!base.empty() && ::chdir(base.c_str()) < 0) ::_exit(errno);
        if (::mount("overlay", m.target.c_str(), "overlay", 0, data.c_str()) < 0) ::_exit(errno);
        ::_exit(0);
    }
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR) throw_errno("waitpid");
    }
    int err = WIFEXITED(status) ? WEXITSTATUS(status) : EIO;
    if (err != 0) throw_sys("mount overlay on " + m.target, err);
}

void mount_overlay(const OverlayMount& m, const std::string& short_base,
                   const std::vector<std::string>& short_lowers) {
    if (m.lowers.empty()) throw Error(Errc::invalid_argument, "overlay mount on " + m.target + " without lower dirs");
    // A throw-away snapshot mounted volatile before left this mark; its contents are not
    // worth keeping by definition, so mounting it volatile again is fine.
    if (m.volatile_upper && !m.work.empty()) {
        try {
            remove_all(m.work + "/work/incompat/volatile");  // holds a "dirty" file or dir
        } catch (const Error&) {
            // The mount below then fails and says why.
        }
    }
    std::string why;
    int err = mount_new_api(m, why);
    if (err == 0) return;
    bool old_kernel = err == ENOSYS || (err == EINVAL && why.find("lowerdir+") != std::string::npos);
    if (!old_kernel) throw_sys(why, err);
    mount_overlay_legacy(m, short_base, short_lowers);
}

bool unmount(const std::string& target) {
    if (::umount2(target.c_str(), UMOUNT_NOFOLLOW) == 0) return true;
    if (errno == EINVAL || errno == ENOENT) return false;  // not a mount point / gone
    if (errno != EBUSY) throw_errno("unmount " + target);
    if (::umount2(target.c_str(), MNT_DETACH | UMOUNT_NOFOLLOW) < 0) throw_errno("detach " + target);
    return true;
}

bool is_mount_point(const std::string& path) {
    struct statx self {}, parent {};
    if (::statx(AT_FDCWD, path.c_str(), AT_SYMLINK_NOFOLLOW, STATX_MNT_ID, &self) < 0) {
        if (errno == ENOENT) return false;
        throw_errno("statx " + path);
    }
    std::string up = path + "/..";
    if (::statx(AT_FDCWD, up.c_str(), 0, STATX_MNT_ID, &parent) < 0) throw_errno("statx " + up);
    return self.stx_mnt_id != parent.stx_mnt_id;
}

}  // namespace berth::storage
