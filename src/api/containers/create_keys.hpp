#pragma once
// The member names of a container create body (container.CreateRequest: Config, HostConfig,
// NetworkingConfig), of update and commit bodies, and of their nested structs, for canonicalize_keys: Go matches them
// case-insensitively. Map members (Labels, ExposedPorts, Sysctls...) keep their keys as sent.
#include "common/json_reader.hpp"

namespace berth::api {

void canonicalize_create_request(Json& body);
// container.Config alone (a commit's config overrides) and its Healthcheck.
void canonicalize_container_config(Json& body);
// container.Resources' members, in an object that embeds them (HostConfig, UpdateConfig).
void canonicalize_resources(Json& object);
// container.UpdateConfig: Resources and RestartPolicy.
void canonicalize_update_request(Json& body);

}  // namespace berth::api
