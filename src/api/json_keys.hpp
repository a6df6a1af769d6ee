#pragma once
// Request bodies decoded as Go's encoding/json decodes them into dockerd's structs: a key
// names a field case-insensitively ("detachKeys", "Detachkeys" and "DetachKeys" are one
// field), so SDKs that send other casings work as against dockerd.
#include <initializer_list>

#include "common/json_reader.hpp"

namespace berth::api {

// Renames each key of `object` that matches one of `fields` case-insensitively to that
// field's spelling. The exact spelling wins over another casing of the same field (nlohmann
// keeps no document order to tell which came last). Other keys are left as they are.
void canonicalize_keys(Json& object, std::initializer_list<const char*> fields);

}  // namespace berth::api
