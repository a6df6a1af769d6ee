#include "shim/unix_address.hpp"

#include <fcntl.h>
#include <sys/socket.h>

#include <cstring>

#include "common/error.hpp"

namespace berth::shim {

std::string short_socket_path(const std::string& path, UniqueFd& dir_holder) {
    if (path.size() < sizeof(sockaddr_un::sun_path)) return path;
    auto slash = path.rfind('/');
    if (slash == std::string::npos) throw Error(Errc::invalid_argument, "socket path too long: " + path);
    dir_holder.reset(::open(path.substr(0, slash).c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
    if (!dir_holder) throw_errno("open " + path.substr(0, slash));
    std::string s = "/proc/self/fd/" + std::to_string(dir_holder.get()) + path.substr(slash);
    if (s.size() >= sizeof(sockaddr_un::sun_path)) throw Error(Errc::invalid_argument, "socket name too long: " + path);
    return s;
}

sockaddr_un unix_address(const std::string& path, UniqueFd& dir_holder) {
    std::string s = short_socket_path(path, dir_holder);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::memcpy(addr.sun_path, s.c_str(), s.size());
    return addr;
}

}  // namespace berth::shim
