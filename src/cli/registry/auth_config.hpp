#pragma once
// A registry login as the Engine API carries it (types/registry.AuthConfig): the body of
// POST /auth and, base64url-encoded, the X-Registry-Auth header of pulls and pushes.
#include <string>

#include "client/api_client.hpp"

namespace berth::cli {

struct AuthConfig {
    std::string username, password, auth, email, server_address, identity_token, registry_token;

    bool operator==(const AuthConfig&) const = default;
    // Nothing to log in with (no user, password or token).
    bool empty() const {
        return username.empty() && password.empty() && identity_token.empty() &&
               registry_token.empty() && auth.empty();
    }
};

// encoding/json of the struct: Go's member order, empty members left out.
client::Json auth_config_json(const AuthConfig& auth);
// The same bytes Go's json.Marshal writes ('<', '>', '&' escaped as \u003c...).
std::string go_json(const client::Json& value);
// registry.EncodeAuthConfig: base64url of the JSON, "e30=" ({}) when there are no credentials.
std::string encode_auth_header(const AuthConfig& auth);

}  // namespace berth::cli
