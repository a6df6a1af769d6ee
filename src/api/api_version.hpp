#pragma once
// Engine API versions: the /vX.Y prefix of a path, compared component by component the way
// moby's versions.LessThan does ("1.9" < "1.24").
#include <compare>
#include <optional>
#include <string>
#include <string_view>

namespace berth::api {

struct ApiVersion {
    int major = 1;
    int minor = 47;

    // "1.47" -> {1, 47}; nullopt when the text is not digits with at most one dot.
    static std::optional<ApiVersion> parse(std::string_view text);
    std::string str() const;

    auto operator<=>(const ApiVersion&) const = default;
    bool operator==(const ApiVersion&) const = default;
};

inline constexpr ApiVersion kMaxApiVersion{1, 47};
inline constexpr ApiVersion kMinApiVersion{1, 24};
inline constexpr std::string_view kMaxApiVersionText = "1.47";
inline constexpr std::string_view kMinApiVersionText = "1.24";

}  // namespace berth::api
