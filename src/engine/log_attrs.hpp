#pragma once
// The json-file driver's extra attributes, as dockerd's logger.Info.ExtraAttributes: the
// container labels named by --log-opt labels (or matching labels-regex) and the environment
// variables named by env (or matching env-regex), written into every log line as "attrs" and
// shown by `docker logs --details`.
#include <string>

#include "common/json_reader.hpp"

namespace berth::engine {

// `log_config` is HostConfig.LogConfig.Config, `config` the container's Config (Labels, Env).
// Returns a JSON object's text, or "" when there is nothing to add. A regex that does not
// compile is invalid_argument, naming the option.
std::string log_attributes_json(const Json& log_config, const Json& config);

}  // namespace berth::engine
