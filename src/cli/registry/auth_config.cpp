#include "cli/registry/auth_config.hpp"

#include "common/base64.hpp"

namespace berth::cli {

using client::Json;

Json auth_config_json(const AuthConfig& a) {
    Json out = Json::object();
    auto put = [&](const char* key, const std::string& value) {
        if (!value.empty()) out[key] = value;
    };
    put("username", a.username);
    put("password", a.password);
    put("auth", a.auth);
    put("email", a.email);
    put("serveraddress", a.server_address);
    put("identitytoken", a.identity_token);
    put("registrytoken", a.registry_token);
    return out;
}

std::string go_json(const Json& value) {
    // '<', '>', '&' and U+2028/U+2029 only ever appear inside strings, where Go escapes them.
    std::string dumped = value.dump(-1, ' ', false, Json::error_handler_t::replace);
    std::string out;
    out.reserve(dumped.size());
    for (size_t i = 0; i < dumped.size(); ++i) {
        char c = dumped[i];
        if (c == '<') {
            out += "\\u003c";
        } else if (c == '>') {
            out += "\\u003e";
        } else if (c == '&') {
            out += "\\u0026";
        } else if (c == '\xe2' && i + 2 < dumped.size() && dumped[i + 1] == '\x80' &&
                   (dumped[i + 2] == '\xa8' || dumped[i + 2] == '\xa9')) {
            out += dumped[i + 2] == '\xa8' ? "\\u2028" : "\\u2029";
            i += 2;
        } else {
            out += c;
        }
    }
    return out;
}

std::string encode_auth_header(const AuthConfig& auth) {
    return base64_encode(go_json(auth_config_json(auth)), true);
}

}  // namespace berth::cli
