#pragma once
// POST /auth and GET /distribution/{name}/json: a registry asked whether credentials are
// good, and what a reference points at without pulling it.
#include <string>

#include "common/json_reader.hpp"
#include "image/reference.hpp"
#include "registry/credentials.hpp"
#include "registry/registry_hosts.hpp"

namespace berth::registry {

// Docker's AuthenticateToRegistry: pings the registry and answers its challenge with the
// credentials. Returns {"Status":"Login Succeeded","IdentityToken":""}; throws unauthorized
// with Docker's message ("login attempt to http://host/v2/ failed with status: 401
// Unauthorized") when they are refused.
Json login(RegistryHosts& hosts, const Credentials& credentials);

// The registry host a login's serveraddress names: "https://index.docker.io/v1/" and ""
// are docker.io; "http://127.0.0.1:5000/v2/" is "127.0.0.1:5000".
std::string login_host(const std::string& server_address);

// Docker's DistributionInspect: {"Descriptor":{mediaType,digest,size},"Platforms":[...]}.
Json distribution_inspect(RegistryHosts& hosts, const image::Reference& ref,
                          const Credentials& credentials);

}  // namespace berth::registry
