#pragma once
// A sockaddr_un for a path of any length: a path longer than sun_path (108 bytes; a 64-hex
// container id under a temp dir easily is) is reached through /proc/self/fd/<dir fd>/<name>,
// with `dir_holder` keeping the directory open until bind/connect is done.
#include <sys/un.h>

#include <string>

#include "common/unique_fd.hpp"

namespace berth::shim {

sockaddr_un unix_address(const std::string& path, UniqueFd& dir_holder);
// The same as a path string (for APIs that take one, used within this process).
std::string short_socket_path(const std::string& path, UniqueFd& dir_holder);

}  // namespace berth::shim
