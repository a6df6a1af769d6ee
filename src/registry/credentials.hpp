#pragma once
// What a client sends to authenticate to a registry: Docker's AuthConfig, carried base64url
// JSON in X-Registry-Auth (pull, push) or as the body of POST /auth (login).
#include <string>

#include "common/json_reader.hpp"

namespace berth::registry {

struct Credentials {
    std::string username, password;
    std::string identity_token;  // an OAuth refresh token from an earlier login
    std::string registry_token;  // a bearer token to use as is
    std::string server_address;

    bool empty() const {
        return username.empty() && password.empty() && identity_token.empty() &&
               registry_token.empty();
    }
};

// From Docker's AuthConfig JSON: username, password, auth ("user:pass" base64),
// identitytoken, registrytoken, serveraddress (keys matched case-insensitively, as Go does).
Credentials credentials_from_json(const Json& j);
// From an X-Registry-Auth header value. Docker ignores a header it cannot decode (an old
// client's) and pulls anonymously; so does berth. Empty header: no credentials.
Credentials credentials_from_header(const std::string& value);

}  // namespace berth::registry
