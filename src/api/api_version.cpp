#include "api/api_version.hpp"

#include <charconv>

namespace berth::api {

namespace {
std::optional<int> parse_component(std::string_view s) {
    if (s.empty() || s.size() > 6) return std::nullopt;
    int v = 0;
    auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc{} || ptr != s.data() + s.size()) return std::nullopt;
    return v;
}
}  // namespace

std::optional<ApiVersion> ApiVersion::parse(std::string_view text) {
    auto dot = text.find('.');
    auto major = parse_component(text.substr(0, dot));
    if (!major) return std::nullopt;
    if (dot == std::string_view::npos) return ApiVersion{*major, 0};
    auto minor = parse_component(text.substr(dot + 1));
    if (!minor) return std::nullopt;
    return ApiVersion{*major, *minor};
}

std::string ApiVersion::str() const {
    return std::to_string(major) + "." + std::to_string(minor);
}

}  // namespace berth::api
