#pragma once
// Parsers for the values of `run`/`create` flags, each as Docker's opts package reads them.
// Errors throw UsageError with Docker's "invalid argument ... for ... flag" wording where Docker
// parses the value as part of the flag, and invalid_argument otherwise.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "client/api_client.hpp"

namespace berth::cli {

using client::Json;

using EnvLookup = std::function<std::optional<std::string>(const std::string&)>;
using FileReader = std::function<std::string(const std::string&)>;

// "-e A" takes A's value from `lookup` when set there, else passes "A" (the daemon unsets it).
std::string resolve_env(const std::string& value, const EnvLookup& lookup);
// --env-file / --label-file lines: blanks and '#' comments skipped, names without '=' resolved
// through `lookup` (env files only: `lookup` null for label files).
std::vector<std::string> parse_env_file(const std::string& path, const std::string& content,
                                        const EnvLookup& lookup);

// "nofile=1024:2048" -> {"Name":"nofile","Soft":1024,"Hard":2048}.
Json parse_ulimit(const std::string& value);
// "on-failure:3" -> {"Name":"on-failure","MaximumRetryCount":3}.
Json parse_restart_policy(const std::string& value);
// "1.5" -> 1500000000 (exact decimal arithmetic; "too precise" past nanoseconds).
int64_t parse_cpus(const std::string& value);
// "/dev/sda:/dev/xvda:rwm" -> {"PathOnHost","PathInContainer","CgroupPermissions"}.
Json parse_device(const std::string& value);
// --security-opt values; a seccomp profile path is replaced by the profile's compacted JSON.
std::vector<std::string> parse_security_opts(const std::vector<std::string>& values,
                                             const FileReader& read);
// -p specs into ExposedPorts and PortBindings.
void parse_ports(const std::vector<std::string>& specs, Json& exposed, Json& bindings);
// "key=value" / "key" -> map entry.
void parse_key_value(const std::string& value, Json& map);

}  // namespace berth::cli
