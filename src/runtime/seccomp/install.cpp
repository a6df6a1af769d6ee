// install(): runs in the container's init between clone and execve, so it allocates nothing,
// throws nothing and takes no locks: two system calls at most.
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>

#include "runtime/seccomp/seccomp.hpp"

namespace berth::runtime::seccomp {

int install(const Program& program) noexcept {
    if (program.filter.empty()) return 0;
    if (program.filter.size() > BPF_MAXINSNS) return -EINVAL;
    sock_fprog prog{};
    prog.len = static_cast<unsigned short>(program.filter.size());
    // The kernel copies the program and never writes through this pointer.
    prog.filter = const_cast<sock_filter*>(program.filter.data());

    if (::syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, program.flags, &prog) == 0) return 0;
    int err = errno;
    // seccomp(2) arrived in Linux 3.17 and some sandboxes filter it; prctl does the same job
    // as long as no flag needs passing.
    if ((err == ENOSYS || err == EINVAL) && program.flags == 0) {
        if (::prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0, 0) == 0) return 0;
        return -errno;
    }
    return -err;
}

}  // namespace berth::runtime::seccomp
