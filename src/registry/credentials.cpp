#include "registry/credentials.hpp"

#include <algorithm>
#include <cctype>

#include "common/base64.hpp"

namespace berth::registry {

namespace {

std::string field(const Json& j, const char* name) {
    // Go's encoding/json matches keys case-insensitively; the last match wins.
    std::string out;
    for (auto it = j.begin(); it != j.end(); ++it) {
        const std::string& k = it.key();
        if (k.size() == std::char_traits<char>::length(name) &&
            std::equal(k.begin(), k.end(), name, [](char a, char b) {
                return std::tolower(static_cast<unsigned char>(a)) == b;
            }) &&
            it->is_string())
            out = it->get<std::string>();
    }
    return out;
}

}  // namespace

Credentials credentials_from_json(const Json& j) {
    Credentials c;
    if (!j.is_object()) return c;
    c.username = field(j, "username");
    c.password = field(j, "password");
    c.identity_token = field(j, "identitytoken");
    c.registry_token = field(j, "registrytoken");
    c.server_address = field(j, "serveraddress");
    if (c.username.empty() && c.password.empty()) {
        if (auto auth = base64_decode(field(j, "auth"))) {
            size_t colon = auth->find(':');
            if (colon != std::string::npos) {
                c.username = auth->substr(0, colon);
                c.password = auth->substr(colon + 1);
            }
        }
    }
    return c;
}

Credentials credentials_from_header(const std::string& value) {
    if (value.empty()) return {};
    auto decoded = base64_decode(value);
    if (!decoded) return {};
    Json j = Json::parse(*decoded, nullptr, false);
    return credentials_from_json(j);
}

}  // namespace berth::registry
