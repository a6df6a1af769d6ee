#pragma once
// --mount's value, as docker/cli's opts.MountOpt reads it: a CSV of key=value fields
// (type=bind,source=/a,target=/b,readonly / type=tmpfs,target=/t,tmpfs-size=64m,tmpfs-mode=1770)
// -> one HostConfig.Mounts object. Throws UsageError with Docker's words.
#include <string>

#include "client/api_client.hpp"

namespace berth::cli {

client::Json parse_mount_opt(const std::string& value);

}  // namespace berth::cli
