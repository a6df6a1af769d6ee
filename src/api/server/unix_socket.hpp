#pragma once
// Getting a unix socket path ready to bind, and the permissions dockerd gives its socket.
#include <string>

namespace berth::api {

// Creates missing parent directories with mode 0711 (traverse-only for others, like
// /run/docker). An existing socket nobody answers on is left over from a dead daemon and is
// removed; one that accepts a connection belongs to a live daemon: conflict, saying so. Any
// other kind of file at path is refused rather than deleted.
void prepare_unix_socket_path(const std::string& path);

// True if something accepts connections on the unix socket at path.
bool unix_socket_is_live(const std::string& path);

}  // namespace berth::api
