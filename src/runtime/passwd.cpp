#include "runtime/passwd.hpp"

#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <sstream>

#include "common/unique_fd.hpp"

namespace berth::runtime {

std::string home_for_uid(const std::string& rootfs, uid_t uid) {
    UniqueFd root(::open(rootfs.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
    if (!root) return "/";
    open_how how{};
    how.flags = O_RDONLY | O_CLOEXEC;
    how.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;
    UniqueFd fd(static_cast<int>(::syscall(SYS_openat2, root.get(), "/etc/passwd", &how, sizeof how)));
    if (!fd) return "/";
    std::string text;
    char buf[8192];
    ssize_t n;
    while ((n = ::read(fd.get(), buf, sizeof buf)) > 0 && text.size() < (1u << 20)) text.append(buf, static_cast<size_t>(n));
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line)) {
        // name:password:uid:gid:gecos:home:shell
        std::vector<std::string> f;
        std::istringstream fields(line);
        std::string part;
        while (std::getline(fields, part, ':')) f.push_back(part);
        if (f.size() < 6) continue;
        if (f[2] == std::to_string(uid)) return f[5].empty() ? "/" : f[5];
    }
    return "/";
}

void add_default_home(std::vector<std::string>& env, const std::string& rootfs, uid_t uid) {
    for (const auto& e : env) {
        if (e.rfind("HOME=", 0) == 0) return;
    }
    env.push_back("HOME=" + home_for_uid(rootfs, uid));
}

}  // namespace berth::runtime
