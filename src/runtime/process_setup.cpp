#include "runtime/process_setup.hpp"

#include <fcntl.h>
#include <grp.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstring>

#include "runtime/child_util.hpp"
#include "runtime/fd_passing.hpp"
#include "runtime/sync.hpp"

namespace berth::runtime::child {

namespace {

// close_range(first, last); where it is missing or a seccomp profile denies it, one by one.
void close_fds(unsigned first, unsigned last) noexcept {
    if (syscall(SYS_close_range, first, last, 0U) == 0) return;
    for (unsigned fd = first; fd <= last && fd < 65536; ++fd) close(static_cast<int>(fd));
}

// 0 when path is a regular file we may execute, else the errno that says why not: the caller
// turns ENOENT into 127 and the rest into 126 (the docker CLI reads "permission denied" in the
// message the same way). A directory is EACCES, as runc's Go LookPath says.
int executable_file_error(const char* path) noexcept {
    struct stat st {};
    if (stat(path, &st) < 0) return errno;
    if (!S_ISREG(st.st_mode)) return EACCES;
    return access(path, X_OK) == 0 ? 0 : errno;
}

}  // namespace

void setup_terminal(const ProcessPlan& plan, int sync_fd) noexcept {
    if (!plan.terminal) return;
    int master = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (master < 0) fail(sync_fd, errno, "open /dev/ptmx");
    int unlock = 0;
    if (ioctl(master, TIOCSPTLCK, &unlock) < 0) fail(sync_fd, errno, "unlock pty");
    // TIOCGPTPEER opens the slave from the master: no path lookup that a container could redirect.
    int slave = ioctl(master, TIOCGPTPEER, O_RDWR | O_NOCTTY);
    if (slave < 0) fail(sync_fd, errno, "open pty slave");
    if (plan.rows || plan.cols) {
        winsize ws{plan.rows, plan.cols, 0, 0};
        ioctl(slave, TIOCSWINSZ, &ws);
    }
    unsigned ptn = 0;
    char name[64] = "/dev/pts/";
    if (ioctl(master, TIOCGPTN, &ptn) == 0) {
        char digits[16];
        int n = 0;
        do {
            digits[n++] = static_cast<char>('0' + ptn % 10);
            ptn /= 10;
        } while (ptn);
        size_t pos = strlen(name);
        while (n) name[pos++] = digits[--n];
        name[pos] = '\0';
    }
    if (!send_fd(plan.console_fd, master, name)) fail(sync_fd, errno, "send pty master to console socket");
    close(master);
    close(plan.console_fd);
    setsid();
    if (ioctl(slave, TIOCSCTTY, 0) < 0) fail(sync_fd, errno, "set controlling terminal");
    for (int fd = 0; fd < 3; ++fd) {
        if (dup2(slave, fd) < 0) fail(sync_fd, errno, "dup pty to stdio");
    }
    if (slave > 2) close(slave);
}

void apply_rlimits(const ProcessPlan& plan, int sync_fd) noexcept {
    for (const auto& r : plan.rlimits) {
        rlimit lim{r.soft, r.hard};
        if (setrlimit(r.resource, &lim) < 0) fail(sync_fd, errno, "setrlimit");
    }
}

const char* resolve_executable(const ProcessPlan& plan, int sync_fd) noexcept {
    static char resolved[PATH_MAX];
    const char* name = plan.argv.strings[0].c_str();
    if (strchr(name, '/')) {
        if (int err = executable_file_error(name)) fail(sync_fd, err, "exec", name, err == ENOENT ? 127 : 126);
        return name;
    }
    const char* p = plan.path_env.c_str();
    while (*p) {
        const char* end = strchr(p, ':');
        size_t len = end ? static_cast<size_t>(end - p) : strlen(p);
        if (len == 0) {
            len = 1;
            resolved[0] = '.';
        } else if (len < sizeof resolved - 2) {
            memcpy(resolved, p, len);
        } else {
            len = 0;
        }
        if (len && len + strlen(name) + 2 < sizeof resolved) {
            resolved[len] = '/';
            strcpy(resolved + len + 1, name);
            if (executable_file_error(resolved) == 0) return resolved;
        }
        if (!end) break;
        p = end + 1;
    }
    char what[300] = "exec: \"";
    append_text(what, sizeof what, name);
    append_text(what, sizeof what, "\": executable file not found in $PATH");
    fail(sync_fd, 0, what, nullptr, 127);
}

void drop_privileges_and_exec(const ProcessPlan& plan, const char* executable, int sync_fd) noexcept {
    // Without no_new_privs, loading a filter needs CAP_SYS_ADMIN: do it while we still have it.
    if (!plan.no_new_privileges && !plan.seccomp.empty()) {
        int rc = seccomp::install(plan.seccomp);
        if (rc < 0) fail(sync_fd, -rc, "load seccomp filter");
    }
    if (plan.has_capabilities) {
        int rc = drop_bounding(plan.caps);
        if (rc < 0) fail(sync_fd, -rc, "drop bounding capabilities");
    }
    if (plan.set_groups) {
        if (setgroups(plan.additional_gids.size(), plan.additional_gids.data()) < 0 && errno != EPERM) {
            fail(sync_fd, errno, "setgroups");
        }
    }
    if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0) fail(sync_fd, errno, "keep capabilities");
    if (syscall(SYS_setresgid, plan.gid, plan.gid, plan.gid) < 0) fail(sync_fd, errno, "setgid");
    if (syscall(SYS_setresuid, plan.uid, plan.uid, plan.uid) < 0) fail(sync_fd, errno, "setuid");
    prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0);
    if (plan.has_capabilities) {
        int rc = apply_capabilities(plan.caps);
        if (rc < 0) fail(sync_fd, -rc, "set capabilities");
    }
    umask(plan.umask >= 0 ? static_cast<mode_t>(plan.umask) : 022);
    // Close every inherited descriptor but stdio and the sync socket before resolving cwd:
    // a host fd still open here could be reached as /proc/self/fd/N (CVE-2024-21626).
    // fds 3 .. 3+preserve_fds-1 are the caller's to pass on; ours were opened above them.
    unsigned first = 3 + plan.preserve_fds;
    if (sync_fd > static_cast<int>(first)) close_fds(first, static_cast<unsigned>(sync_fd - 1));
    close_fds(sync_fd >= static_cast<int>(first) ? static_cast<unsigned>(sync_fd + 1) : first, ~0U);
    for (unsigned fd = 3; fd < first; ++fd) fcntl(static_cast<int>(fd), F_SETFD, 0);
    if (chdir(plan.cwd.c_str()) < 0) fail(sync_fd, errno, "chdir to cwd", plan.cwd.c_str());
    // A cwd reached through a leaked host fd would read "(unreachable)" (CVE-2024-21626).
    char cwd[PATH_MAX];
    if (!getcwd(cwd, sizeof cwd) || cwd[0] != '/') fail(sync_fd, EPERM, "cwd is outside the container", plan.cwd.c_str());
    if (plan.no_new_privileges && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) fail(sync_fd, errno, "set no_new_privs");
    if (plan.no_new_privileges && !plan.seccomp.empty()) {
        int rc = seccomp::install(plan.seccomp);
        if (rc < 0) fail(sync_fd, -rc, "load seccomp filter");
    }
    if (!plan.lsm_attr_path.empty()) {
        int rc = write_string(plan.lsm_attr_path.c_str(), plan.lsm_attr_value.c_str());
        if (rc < 0) fail(sync_fd, -rc, "set LSM label", plan.lsm_attr_value.c_str());
    }
    // Only stdio crosses into the container: sync_fd, the one descriptor left, is close-on-exec.
    execve(executable, plan.argv.data(), plan.envp.data());
    int err = errno;
    fail(sync_fd, err, "exec", executable, err == ENOENT ? 127 : 126);
}

}  // namespace berth::runtime::child
