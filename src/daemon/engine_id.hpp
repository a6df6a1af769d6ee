#pragma once
// The daemon's persistent identity (/info ID): a random UUID kept in <data-root>/engine-id,
// as dockerd does, so it survives restarts and tells hosts apart.
#include <string>

namespace berth::daemon {

std::string load_or_create_engine_id(const std::string& data_root);

}  // namespace berth::daemon
