#include "api/server/listen_address.hpp"

#include <charconv>

#include "common/error.hpp"

namespace berth::api {

ListenAddress parse_listen_address(std::string_view text) {
    ListenAddress a;
    a.text = std::string(text);
    auto fail = [&](const std::string& why) -> ListenAddress {
        throw Error(Errc::invalid_argument, "invalid host \"" + a.text + "\": " + why);
    };
    if (text.starts_with("unix://")) {
        a.kind = ListenAddress::Kind::unix_socket;
        a.path = std::string(text.substr(7));
        if (a.path.empty()) a.path = std::string(kDefaultSocketPath);
        if (a.path.front() != '/') return fail("the socket path must be absolute");
        return a;
    }
    if (text.starts_with("/")) {  // dockerd accepts a bare path too
        a.path = std::string(text);
        return a;
    }
    if (text.starts_with("tcp://")) {
        a.kind = ListenAddress::Kind::tcp;
        std::string_view rest = text.substr(6);
        if (auto slash = rest.find('/'); slash != std::string_view::npos) {
            if (rest.substr(slash) != "/") return fail("a tcp address takes no path");
            rest = rest.substr(0, slash);
        }
        auto colon = rest.rfind(':');
        if (colon == std::string_view::npos) return fail("missing :port");
        std::string_view host = rest.substr(0, colon), port = rest.substr(colon + 1);
        if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
            host = host.substr(1, host.size() - 2);
        unsigned p = 0;
        auto [ptr, ec] = std::from_chars(port.data(), port.data() + port.size(), p);
        if (ec != std::errc{} || ptr != port.data() + port.size() || p == 0 || p > 65535)
            return fail("bad port \"" + std::string(port) + "\"");
        a.host = host.empty() ? "0.0.0.0" : std::string(host);
        a.port = static_cast<uint16_t>(p);
        return a;
    }
    return fail("use unix:///path or tcp://host:port");
}

}  // namespace berth::api
