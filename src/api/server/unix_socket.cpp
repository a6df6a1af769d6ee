#include "api/server/unix_socket.hpp"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "common/error.hpp"
#include "common/unique_fd.hpp"

namespace berth::api {

namespace {
void make_parents(const std::string& path) {
    for (size_t slash = path.find('/', 1); slash != std::string::npos;
         slash = path.find('/', slash + 1)) {
        std::string dir = path.substr(0, slash);
        if (::mkdir(dir.c_str(), 0711) == 0) {
            ::chmod(dir.c_str(), 0711);  // mkdir's mode is filtered by the umask
        } else if (errno != EEXIST) {
            throw_errno("creating " + dir);
        }
    }
}
}  // namespace

bool unix_socket_is_live(const std::string& path) {
    sockaddr_un addr{};
    if (path.size() >= sizeof addr.sun_path) return false;
    addr.sun_family = AF_UNIX;
    std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
    UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
    if (!fd) throw_errno("socket");
    return ::connect(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
}

void prepare_unix_socket_path(const std::string& path) {
    sockaddr_un addr{};
    if (path.size() >= sizeof addr.sun_path)
        throw Error(Errc::invalid_argument, "socket path " + path + " is too long (max " +
                                                std::to_string(sizeof addr.sun_path - 1) + ")");
    make_parents(path);
    struct stat st {};
    if (::lstat(path.c_str(), &st) != 0) {
        if (errno == ENOENT) return;
        throw_errno("checking " + path);
    }
    if (!S_ISSOCK(st.st_mode))
        throw Error(Errc::conflict, path + " exists and is not a socket; refusing to replace it");
    if (unix_socket_is_live(path))
        throw Error(Errc::conflict, "another daemon is already listening on " + path +
                                        " (stop it first, or choose another socket with -H)");
    if (::unlink(path.c_str()) != 0 && errno != ENOENT)
        throw_errno("removing stale socket " + path);
}

}  // namespace berth::api
