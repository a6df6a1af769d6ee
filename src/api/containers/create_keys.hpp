#pragma once
// The member names of a container create body (container.CreateRequest: Config, HostConfig,
// NetworkingConfig) and of its nested structs, for canonicalize_keys: Go matches them
// case-insensitively. Map members (Labels, ExposedPorts, Sysctls...) keep their keys as sent.
#include "common/json_reader.hpp"

namespace berth::api {

void canonicalize_create_request(Json& body);

}  // namespace berth::api
