#pragma once
// Platforms (os/architecture/variant) and choosing one manifest from an index the way
// containerd's platforms package does: architectures and variants are normalised
// (x86_64 -> amd64, aarch64 -> arm64, arm64 == arm64/v8, armhf -> arm/v7), an arm/v7
// host also runs v6 and v5, an amd64/v3 host also runs v2 and v1.
#include <string>
#include <string_view>
#include <vector>

namespace berth::image {

struct Descriptor;

struct Platform {
    std::string os;            // "linux"
    std::string architecture;  // "amd64"
    std::string variant;       // "v8", "v7"; empty when none
    std::string os_version;
    std::vector<std::string> os_features;

    // "linux/amd64", "linux/arm64/v8", "linux/arm/v7"; also "amd64" (os defaults to linux).
    static Platform parse(std::string_view text);
    // The platform this binary runs on (compile-time arch, os linux).
    static Platform host();

    // containerd's canonical spelling: lowercase, aliases resolved, the default variants
    // dropped (arm64/v8 -> arm64, amd64/v1 -> amd64) and arm's default v7 filled in.
    Platform normalized() const;
    // "os/arch[/variant]".
    std::string str() const;
    bool operator==(const Platform& o) const = default;
};

// True when an image for `have` runs on `want`.
bool platform_matches(const Platform& want, const Platform& have);
// True when `a` is a better match than `b` for `want` (exact variant beats a lower
// one); used to order index entries.
bool platform_less(const Platform& want, const Platform& a, const Platform& b);

// The best manifest in an index's entries for `want`. Entries without a platform are
// skipped (attestations, unknowns). Throws not_found:
//   "no matching manifest for linux/ppc64le in the manifest list entries: linux/amd64, linux/arm64/v8"
const Descriptor& select_platform(const std::vector<Descriptor>& manifests, const Platform& want);

}  // namespace berth::image
