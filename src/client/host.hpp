#pragma once
// Where the daemon listens: `unix:///path` or `tcp://host:port`, chosen by -H, then
// BERTH_HOST, then the default socket.
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace berth::client {

class TlsClientContext;

inline constexpr std::string_view kDefaultHost = "unix:///run/berth/berthd.sock";

struct Host {
    enum class Kind { unix_socket, tcp };
    Kind kind = Kind::unix_socket;
    std::string path;     // unix socket path
    std::string address;  // tcp host name or address
    uint16_t port = 0;    // tcp port
    std::string url;      // as the user wrote it, normalised: for messages
    bool port_given = false;
    // TLS on a tcp host (--tls, --tlsverify); null: plain. Unix sockets never use it.
    std::shared_ptr<const TlsClientContext> tls;

    // The value of the Host header: any name works on a unix socket.
    std::string header_host() const;
};

// Parses a daemon address; throws invalid_argument for anything else.
Host parse_host(std::string_view url);

// -H wins, then the BERTH_HOST environment variable, then kDefaultHost.
std::string choose_host(std::string_view flag_value);

}  // namespace berth::client
