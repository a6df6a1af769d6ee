#include "client/api_version.hpp"

#include <charconv>

namespace berth::client {

namespace {

int part(std::string_view& text) {
    auto dot = text.find('.');
    std::string_view piece = text.substr(0, dot);
    text = dot == std::string_view::npos ? std::string_view{} : text.substr(dot + 1);
    int value = 0;
    std::from_chars(piece.data(), piece.data() + piece.size(), value);
    return value;
}

}  // namespace

int compare_api_versions(std::string_view a, std::string_view b) {
    while (!a.empty() || !b.empty()) {
        int x = part(a), y = part(b);
        if (x != y) return x < y ? -1 : 1;
    }
    return 0;
}

std::string negotiate_api_version(std::string_view announced) {
    if (announced.empty()) return std::string(kFallbackApiVersion);
    if (compare_api_versions(announced, kApiVersion) < 0) return std::string(announced);
    return std::string(kApiVersion);
}

}  // namespace berth::client
