#include "runtime/self_protect.hpp"

#include <fcntl.h>
#include <linux/capability.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>

#include "common/error.hpp"
#include "common/file_util.hpp"
#include "common/unique_fd.hpp"

extern char** environ;

namespace berth::runtime {

namespace {
constexpr unsigned kSeals = F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE;
}

bool running_from_sealed_copy() {
    UniqueFd self(::open("/proc/self/exe", O_RDONLY | O_CLOEXEC));
    if (!self) return false;
    int seals = ::fcntl(self.get(), F_GET_SEALS);
    return seals >= 0 && (static_cast<unsigned>(seals) & kSeals) == kSeals;
}

bool container_can_reach_runtime(const std::optional<Capabilities>& caps, bool new_user_ns) {
    // A new user namespace holds no capability over our (init namespace) processes.
    if (new_user_ns || !caps) return false;
    const auto& b = caps->bounding;
    const auto& p = caps->permitted;
    return std::find(b.begin(), b.end(), CAP_SYS_PTRACE) != b.end() ||
           std::find(p.begin(), p.end(), CAP_SYS_PTRACE) != p.end();
}

void reexec_from_sealed_copy() {
    if (running_from_sealed_copy()) return;
    UniqueFd self(::open("/proc/self/exe", O_RDONLY | O_CLOEXEC));
    if (!self) throw_errno("open /proc/self/exe");
    struct stat st {};
    if (::fstat(self.get(), &st) < 0) throw_errno("stat /proc/self/exe");
    UniqueFd copy(::memfd_create("berth-runtime", MFD_CLOEXEC | MFD_ALLOW_SEALING));
    if (!copy) throw_errno("memfd_create");
    off_t offset = 0;
    while (offset < st.st_size) {
        ssize_t n = ::sendfile(copy.get(), self.get(), &offset, static_cast<size_t>(st.st_size - offset));
        if (n <= 0) throw_errno("copy the runtime binary");
    }
    if (::fcntl(copy.get(), F_ADD_SEALS, kSeals) < 0) throw_errno("seal the runtime copy");
    // argv as we were started, NUL separated.
    std::string cmdline = read_file("/proc/self/cmdline");
    std::vector<char*> argv;
    for (size_t pos = 0; pos < cmdline.size(); pos = cmdline.find('\0', pos) + 1) {
        argv.push_back(cmdline.data() + pos);
        if (cmdline.find('\0', pos) == std::string::npos) break;
    }
    argv.push_back(nullptr);
    ::fexecve(copy.get(), argv.data(), environ);
    throw_errno("re-execute the runtime from its sealed copy");
}

}  // namespace berth::runtime
