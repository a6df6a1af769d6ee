#pragma once
// API version negotiation: the client speaks up to kApiVersion; a daemon that announces an older
// version in its /_ping API-Version header gets that one, so paths become /v<min>/...
#include <string>
#include <string_view>

namespace berth::client {

inline constexpr std::string_view kApiVersion = "1.47";
// What a daemon that sends no API-Version header is assumed to speak (as Docker's client does).
inline constexpr std::string_view kFallbackApiVersion = "1.24";

// Compares "1.41" and "1.47" numerically: <0, 0, >0. Malformed parts count as 0.
int compare_api_versions(std::string_view a, std::string_view b);

// The version to use given the daemon's announced one (empty when it announced none).
std::string negotiate_api_version(std::string_view announced);

}  // namespace berth::client
