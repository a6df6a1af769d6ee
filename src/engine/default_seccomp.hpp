#pragma once
// Docker's default seccomp profile (moby profiles/seccomp/default.json), embedded at build
// time from the reference copy; null when the build had none.
#include "common/json_reader.hpp"

namespace berth::engine {

const Json& default_seccomp_profile();

}  // namespace berth::engine
