#pragma once
// runc's -ENOSYS stub (libcontainer/seccomp/patchbpf): a short BPF prefix that answers ENOSYS
// for any syscall numbered above the highest one the profile names, per architecture.
// glibc and other libcs probe new syscalls (clone3, faccessat2, fchmodat2...) and fall back
// to older ones only on ENOSYS; a profile written before the syscall existed would otherwise
// give them EPERM (or worse, kill), which they take as a real failure.
#include <linux/filter.h>

#include <cstdint>
#include <string>
#include <vector>

namespace berth::runtime::seccomp {

// `arches` are SCMP_ARCH_* tokens (the native one included), `names` every syscall name the
// profile mentions. Returns the instructions to put in front of libseccomp's program; they
// jump to the instruction just past themselves to run it. Empty when no name resolves.
std::vector<sock_filter> enosys_stub(const std::vector<uint32_t>& arches,
                                     const std::vector<std::string>& names);

}  // namespace berth::runtime::seccomp
