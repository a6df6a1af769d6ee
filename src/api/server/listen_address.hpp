#pragma once
// The -H/--host forms berthd accepts: unix:///path (unix:// alone is the default socket) and
// tcp://host:port, as dockerd spells them.
#include <cstdint>
#include <string>
#include <string_view>

namespace berth::api {

inline constexpr std::string_view kDefaultSocketPath = "/run/berth/berthd.sock";

struct ListenAddress {
    enum class Kind { unix_socket, tcp } kind = Kind::unix_socket;
    std::string path;  // unix
    std::string host;  // tcp
    uint16_t port = 0;
    std::string text;  // as given, for messages
};

// Throws invalid_argument naming the address for anything else (fd://, ssh://, a bad port).
ListenAddress parse_listen_address(std::string_view text);

}  // namespace berth::api
