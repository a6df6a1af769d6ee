#include "runtime/child_util.hpp"

#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstring>

#include "runtime/sync.hpp"

namespace berth::runtime::child {

void fail(int sync_fd, int err, const char* what, const char* arg, int exit_code) noexcept {
    SyncMessage m;
    m.type = SyncType::error;
    m.err = err;
    append_text(m.text, sizeof m.text, what);
    if (arg) {
        append_text(m.text, sizeof m.text, " ");
        append_text(m.text, sizeof m.text, arg);
    }
    if (err) {
        append_text(m.text, sizeof m.text, ": ");
        append_text(m.text, sizeof m.text, strerror(err));
    }
    if (sync_fd < 0 || !sync_send(sync_fd, m)) {
        // Nobody is listening any more (the container was started): say it on stderr.
        char line[sizeof m.text + 32] = "berth-runtime: ";
        append_text(line, sizeof line, m.text);
        append_text(line, sizeof line, "\n");
        ssize_t ignored = ::write(2, line, strlen(line));
        (void)ignored;
    }
    _exit(exit_code);
}

int open_in_root(int root_fd, const char* path, int flags, mode_t mode) noexcept {
    open_how how{};
    how.flags = static_cast<unsigned long long>(flags | O_CLOEXEC);
    how.mode = (flags & O_CREAT) ? mode : 0;
    how.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;
    for (;;) {
        long fd = syscall(SYS_openat2, root_fd, path, &how, sizeof how);
        if (fd >= 0) return static_cast<int>(fd);
        if (errno == EAGAIN || errno == EINTR) continue;  // a rename raced the lookup
        return -errno;
    }
}

int mkdir_all_in_root(int root_fd, const char* path, bool last_is_file) noexcept {
    char buf[PATH_MAX];
    size_t len = strlen(path);
    if (len + 1 >= sizeof buf) return -ENAMETOOLONG;
    memcpy(buf, path, len + 1);
    // Walk prefixes: "/a", "/a/b", ... each resolved inside the root.
    for (size_t i = 1; i <= len; ++i) {
        if (buf[i] != '/' && buf[i] != '\0') continue;
        bool last = buf[i] == '\0' || (i + 1 == len && buf[i] == '/');
        char saved = buf[i];
        buf[i] = '\0';
        int fd = open_in_root(root_fd, buf, O_PATH);
        if (fd >= 0) {
            close(fd);
        } else if (fd == -ENOENT) {
            // Create the component inside its (already resolved) parent.
            char* slash = strrchr(buf, '/');
            int parent;
            if (slash == buf) {
                parent = open_in_root(root_fd, "/", O_PATH | O_DIRECTORY);
            } else {
                *slash = '\0';
                parent = open_in_root(root_fd, buf, O_PATH | O_DIRECTORY);
                *slash = '/';
            }
            if (parent < 0) return parent;
            int rc;
            if (last && last_is_file) {
                rc = openat(parent, slash + 1, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0644);
                if (rc >= 0) close(rc), rc = 0;
            } else {
                rc = mkdirat(parent, slash + 1, 0755);
            }
            int err = errno;
            close(parent);
            if (rc < 0 && err != EEXIST) return -err;
        } else {
            return fd;
        }
        buf[i] = saved;
        if (last) break;
    }
    return 0;
}

void fd_path(char* buf, int fd) noexcept {
    const char prefix[] = "/proc/self/fd/";
    memcpy(buf, prefix, sizeof prefix);
    char digits[16];
    int n = 0;
    unsigned v = static_cast<unsigned>(fd);
    do {
        digits[n++] = static_cast<char>('0' + v % 10);
        v /= 10;
    } while (v);
    size_t pos = sizeof prefix - 1;
    while (n) buf[pos++] = digits[--n];
    buf[pos] = '\0';
}

int write_string(const char* path, const char* value) noexcept {
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0) return -errno;
    ssize_t n = write(fd, value, strlen(value));
    int err = errno;
    close(fd);
    return n < 0 ? -err : 0;
}

}  // namespace berth::runtime::child
