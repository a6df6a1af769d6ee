#pragma once
// WWW-Authenticate challenges (RFC 7235) as registries send them:
//   Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="..."
//   Basic realm="Registry Realm"
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace berth::registry {

struct Challenge {
    std::string scheme;                         // lower case: "bearer", "basic"
    std::map<std::string, std::string> params;  // lower-case names

    std::string param(const std::string& name) const {
        auto it = params.find(name);
        return it == params.end() ? "" : it->second;
    }
};

// Every challenge in one header value (several may share a header, comma-separated).
std::vector<Challenge> parse_challenges(std::string_view header);

}  // namespace berth::registry
