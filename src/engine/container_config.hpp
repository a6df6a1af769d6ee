#pragma once
// ContainerConfig as Docker keeps it: the request's config merged with the image's
// (daemon/create.go merge): Cmd/Entrypoint, Env, WorkingDir, User, Labels, StopSignal,
// Healthcheck, ExposedPorts, Volumes. Path and Args follow from the merged config.
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "common/error.hpp"
#include "common/json_reader.hpp"
#include "image/manifest.hpp"

namespace berth::engine {

// Docker's rule: without an Entrypoint in the request, an empty Cmd takes the image's Cmd and
// a null Entrypoint the image's Entrypoint; a request Entrypoint of [""] clears the image's.
Json merge_image_config(const Json& request_config, const image::RunConfig& image);

// Path and Args: entrypoint[0], entrypoint[1:] + cmd; or cmd[0], cmd[1:].
std::pair<std::string, std::vector<std::string>> command_of(const Json& merged_config);

// KEY=VALUE lists: entries of `over` replace those of `base` with the same key, in place;
// new keys are appended. A bare KEY in `over` (no '=') removes it from base.
std::vector<std::string> merge_env(const std::vector<std::string>& base, const std::vector<std::string>& over);
std::vector<std::string> merge_config_env(const std::vector<std::string>& user, const std::vector<std::string>& image);

// Checks the member types of a ContainerCreateRequest body (config + HostConfig) that the
// engine reads, naming the JSON path in invalid_argument errors.
void validate_create_request(const Json& body);

// The same for an update body (container.UpdateConfig): its resources and restart policy.
void validate_update_request(const Json& body);

// The error for a logging driver berth lacks, in dockerd's words for that kind of name.
Error unsupported_log_driver(const std::string& type);
// A log driver and its options, a container's or the daemon's defaults (--log-driver,
// --log-opt): json-file or none, json-file's options as dockerd checks them. invalid_argument.
void validate_log_driver(const std::string& type, const std::map<std::string, std::string>& options);

// A DNS server (HostConfig.Dns entry or the daemon's "dns"): an IPv4 or IPv6 address.
void check_dns_server(const std::string& ip);

}  // namespace berth::engine
