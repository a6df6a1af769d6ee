#pragma once
// Base64 as Go's encoding/base64 writes it: StdEncoding for config.json's "auth" member,
// URLEncoding (padded) for the X-Registry-Auth header.
#include <optional>
#include <string>
#include <string_view>

namespace berth::cli {

std::string base64_encode(std::string_view data);
std::string base64url_encode(std::string_view data);
// Standard alphabet, padding required; nullopt for anything else.
std::optional<std::string> base64_decode(std::string_view text);

}  // namespace berth::cli
