#pragma once
// config.json mount "options" -> MS_* flags, propagation and fs data.
#include <string>

#include "runtime/spec.hpp"

namespace berth::runtime {

// Fills mount.flags/clear_flags/propagation/data/bind/recursive from mount.options.
// Throws invalid_argument naming `json_path` on an option that cannot be honoured.
void parse_mount_options(Mount& mount, const std::string& json_path);

// "rprivate" -> MS_PRIVATE|MS_REC; 0 for an unknown name.
unsigned long propagation_from_name(const std::string& name);

}  // namespace berth::runtime
