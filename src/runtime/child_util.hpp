#pragma once
// Helpers for code that runs between clone() and execve(): no allocation, no exceptions.
// Failures go to the parent as one SyncMessage and the child exits.
#include <sys/types.h>

namespace berth::runtime::child {

// Sends {error, err, "<what> <arg>: <strerror>"} on sync_fd (or writes to stderr when the
// parent is gone) and _exit(exit_code).
[[noreturn]] void fail(int sync_fd, int err, const char* what, const char* arg = nullptr, int exit_code = 1) noexcept;

// openat2(root, path, RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS): `path` cannot escape `root`
// through "..", absolute symlinks or /proc magic links. Returns fd or -errno.
int open_in_root(int root_fd, const char* path, int flags, mode_t mode = 0) noexcept;

// mkdir -p of `path` inside `root` (every component resolved in root). When `last_is_file`,
// the last component is created as an empty regular file. Returns 0 or -errno.
int mkdir_all_in_root(int root_fd, const char* path, bool last_is_file) noexcept;

// "/proc/self/fd/<fd>" into buf (at least 32 bytes).
void fd_path(char* buf, int fd) noexcept;

// Writes a whole string to a file path (procfs, sysfs). Returns 0 or -errno.
int write_string(const char* path, const char* value) noexcept;

}  // namespace berth::runtime::child
