#pragma once
// Base64 (RFC 4648) in both alphabets: the standard one (HTTP Basic, config.json "auth") and
// the URL-safe one (X-Registry-Auth). Decoding takes either alphabet, with or without padding,
// as clients differ.
#include <optional>
#include <string>
#include <string_view>

namespace berth {

std::string base64_encode(std::string_view data, bool url_safe = false);
// nullopt on a character outside both alphabets or a length no encoding gives.
std::optional<std::string> base64_decode(std::string_view text);

}  // namespace berth
