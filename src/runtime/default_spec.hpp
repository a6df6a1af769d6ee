#pragma once
#include "common/json_reader.hpp"

namespace berth::runtime {

// The config.json `berth-runtime spec` writes (the same template as `runc spec`);
// `rootless` maps the caller's uid/gid in a user namespace and drops what needs real root.
Json default_spec(bool rootless, unsigned uid, unsigned gid);

// `berth-runtime features` (features-schema.json).
Json features();

}  // namespace berth::runtime
