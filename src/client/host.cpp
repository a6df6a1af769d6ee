#include "client/host.hpp"

#include <charconv>
#include <cstdlib>

#include "common/error.hpp"

namespace berth::client {

std::string Host::header_host() const {
    if (kind == Kind::unix_socket) return "berth";
    return address + ":" + std::to_string(port);
}

Host parse_host(std::string_view url) {
    Host host;
    auto bad = [&](const std::string& why) -> Error {
        return Error(Errc::invalid_argument,
                     "invalid daemon address '" + std::string(url) + "': " + why);
    };
    if (url.starts_with("unix://")) {
        host.kind = Host::Kind::unix_socket;
        host.path = std::string(url.substr(7));
        if (host.path.empty()) throw bad("no socket path");
        host.url = std::string(url);
        return host;
    }
    if (!url.empty() && url.front() == '/') {  // a bare path: docker accepts it too
        host.path = std::string(url);
        host.url = "unix://" + host.path;
        return host;
    }
    if (url.starts_with("tcp://") || url.starts_with("http://")) {
        std::string_view rest = url.substr(url.find("://") + 3);
        while (!rest.empty() && rest.back() == '/') rest.remove_suffix(1);
        if (rest.empty()) throw bad("no host");
        std::string_view name = rest;
        uint16_t port = 2375;
        if (rest.front() == '[') {  // [v6]:port
            auto close = rest.find(']');
            if (close == std::string_view::npos) throw bad("unterminated IPv6 address");
            name = rest.substr(1, close - 1);
            rest = rest.substr(close + 1);
            if (!rest.empty() && rest.front() != ':') throw bad("junk after address");
            if (!rest.empty())
                rest = rest.substr(1);
            else
                rest = {};
        } else if (auto colon = rest.rfind(':'); colon != std::string_view::npos) {
            name = rest.substr(0, colon);
            rest = rest.substr(colon + 1);
        } else {
            rest = {};
        }
        if (!rest.empty()) {
            unsigned value = 0;
            auto [p, ec] = std::from_chars(rest.data(), rest.data() + rest.size(), value);
            if (ec != std::errc() || p != rest.data() + rest.size() || value == 0 || value > 65535)
                throw bad("invalid port");
            port = static_cast<uint16_t>(value);
            host.port_given = true;
        }
        host.kind = Host::Kind::tcp;
        host.address = std::string(name.empty() ? "127.0.0.1" : name);
        host.port = port;
        host.url = "tcp://" + std::string(url.substr(url.find("://") + 3));
        return host;
    }
    throw bad("expected unix:///path or tcp://host:port");
}

std::string choose_host(std::string_view flag_value) {
    if (!flag_value.empty()) return std::string(flag_value);
    if (const char* env = std::getenv("BERTH_HOST"); env != nullptr && *env != '\0') return env;
    return std::string(kDefaultHost);
}

}  // namespace berth::client
