#pragma once
// Media types of OCI and Docker image content, and what each one means to berth.
#include <optional>
#include <string_view>

namespace berth::image::media_type {

// OCI image-spec v1.
inline constexpr std::string_view kOciManifest = "application/vnd.oci.image.manifest.v1+json";
inline constexpr std::string_view kOciIndex = "application/vnd.oci.image.index.v1+json";
inline constexpr std::string_view kOciConfig = "application/vnd.oci.image.config.v1+json";
inline constexpr std::string_view kOciLayer = "application/vnd.oci.image.layer.v1.tar";
inline constexpr std::string_view kOciLayerGzip = "application/vnd.oci.image.layer.v1.tar+gzip";
inline constexpr std::string_view kOciLayerZstd = "application/vnd.oci.image.layer.v1.tar+zstd";
// Deprecated in image-spec 1.1 but still found in the wild: layers that must not be pushed.
inline constexpr std::string_view kOciLayerNondistributable =
    "application/vnd.oci.image.layer.nondistributable.v1.tar";
inline constexpr std::string_view kOciLayerNondistributableGzip =
    "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip";
inline constexpr std::string_view kOciLayerNondistributableZstd =
    "application/vnd.oci.image.layer.nondistributable.v1.tar+zstd";
inline constexpr std::string_view kOciEmpty = "application/vnd.oci.empty.v1+json";
inline constexpr std::string_view kOciLayoutHeader = "application/vnd.oci.layout.header.v1+json";

// Docker image manifest v2 schema 2 (and its list).
inline constexpr std::string_view kDockerManifest = "application/vnd.docker.distribution.manifest.v2+json";
inline constexpr std::string_view kDockerManifestList =
    "application/vnd.docker.distribution.manifest.list.v2+json";
inline constexpr std::string_view kDockerConfig = "application/vnd.docker.container.image.v1+json";
inline constexpr std::string_view kDockerLayer = "application/vnd.docker.image.rootfs.diff.tar";
inline constexpr std::string_view kDockerLayerGzip = "application/vnd.docker.image.rootfs.diff.tar.gzip";
inline constexpr std::string_view kDockerLayerZstd = "application/vnd.docker.image.rootfs.diff.tar.zstd";
// Windows base layers: fetched from `urls`, never pushed. Noted, never refused by parsing.
inline constexpr std::string_view kDockerForeignLayer =
    "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip";
inline constexpr std::string_view kDockerPluginConfig = "application/vnd.docker.plugin.v1+json";

inline constexpr std::string_view kDockerSchema1Manifest =
    "application/vnd.docker.distribution.manifest.v1+json";
inline constexpr std::string_view kDockerSchema1Signed =
    "application/vnd.docker.distribution.manifest.v1+prettyjws";

enum class Compression { none, gzip, zstd };

// Docker schema 1: refused everywhere (see manifest.hpp).
inline bool is_schema1(std::string_view mt) {
    return mt == kDockerSchema1Manifest || mt == kDockerSchema1Signed;
}
inline bool is_manifest(std::string_view mt) { return mt == kOciManifest || mt == kDockerManifest; }
inline bool is_index(std::string_view mt) { return mt == kOciIndex || mt == kDockerManifestList; }
inline bool is_config(std::string_view mt) { return mt == kOciConfig || mt == kDockerConfig; }

// Foreign / non-distributable layers: content may live at the descriptor's urls; never push.
inline bool is_foreign_layer(std::string_view mt) {
    return mt == kDockerForeignLayer || mt == kOciLayerNondistributable ||
           mt == kOciLayerNondistributableGzip || mt == kOciLayerNondistributableZstd;
}

// Layer media types (OCI and Docker, distributable or not, foreign).
inline bool is_layer(std::string_view mt) {
    return mt == kOciLayer || mt == kOciLayerGzip || mt == kOciLayerZstd || mt == kDockerLayer ||
           mt == kDockerLayerGzip || mt == kDockerLayerZstd || is_foreign_layer(mt);
}

// Compression of a layer media type, or nullopt when `mt` is not a layer type berth knows.
inline std::optional<Compression> layer_compression(std::string_view mt) {
    if (!is_layer(mt)) return std::nullopt;
    if (mt.ends_with("+gzip") || mt.ends_with(".gzip")) return Compression::gzip;
    if (mt.ends_with("+zstd") || mt.ends_with(".zstd")) return Compression::zstd;
    return Compression::none;
}

// The media type a writer (layer diff, save, import) names what it produces with.
inline std::string_view layer_media_type(Compression c, bool docker) {
    switch (c) {
        case Compression::gzip: return docker ? kDockerLayerGzip : kOciLayerGzip;
        case Compression::zstd: return docker ? kDockerLayerZstd : kOciLayerZstd;
        case Compression::none: break;
    }
    return docker ? kDockerLayer : kOciLayer;
}

}  // namespace berth::image::media_type
