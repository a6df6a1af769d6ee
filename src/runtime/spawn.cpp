#include "runtime/spawn.hpp"

#include <linux/sched.h>
#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>

#include "runtime/child_util.hpp"

namespace berth::runtime {

pid_t clone_child(int namespaces, int cgroup_fd, bool* joined_cgroup2) noexcept {
    clone_args args{};
    args.flags = static_cast<unsigned long long>(namespaces);
    args.exit_signal = SIGCHLD;
    if (cgroup_fd >= 0) {
        args.flags |= CLONE_INTO_CGROUP;
        args.cgroup = static_cast<unsigned long long>(cgroup_fd);
    }
    long pid = syscall(SYS_clone3, &args, sizeof args);
    if (pid >= 0) {
        if (joined_cgroup2) *joined_cgroup2 = cgroup_fd >= 0;
        return static_cast<pid_t>(pid);
    }
    if (errno != ENOSYS && errno != E2BIG && errno != EINVAL && errno != EOPNOTSUPP) return -errno;
    // An older kernel, or a cgroup that cannot take the process at fork: plain clone.
    if (joined_cgroup2) *joined_cgroup2 = false;
    pid = syscall(SYS_clone, static_cast<unsigned long>(namespaces) | SIGCHLD, nullptr, nullptr, nullptr, nullptr);
    return pid < 0 ? -errno : static_cast<pid_t>(pid);
}

}  // namespace berth::runtime

namespace berth::runtime::child {

void join_cgroups(const std::vector<std::string>& task_files, int sync_fd) noexcept {
    for (const auto& file : task_files) {
        int rc = write_string(file.c_str(), "0");
        if (rc < 0) fail(sync_fd, -rc, "join cgroup", file.c_str());
    }
}

}  // namespace berth::runtime::child
