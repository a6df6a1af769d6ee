#pragma once
// Media types of OCI and Docker image content, and what each one means to berth.
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

// Docker schema 1: refused everywhere (see manifest.hpp).
inline constexpr std::string_view kDockerSchema1Manifest =
    "application/vnd.docker.distribution.manifest.v1+json";
inline constexpr std::string_view kDockerSchema1Signed =
    "application/vnd.docker.distribution.manifest.v1+prettyjws";

enum class Compression { none, gzip, zstd };

// Layer media types (OCI and Docker, distributable or not, foreign).
bool is_layer(std::string_view mt);
// Compression of a layer media type; throws invalid_argument for one that is not a layer.
Compression layer_compression(std::string_view mt);
// Foreign / non-distributable layers: content may live at the descriptor's urls; never push.
bool is_foreign_layer(std::string_view mt);
bool is_manifest(std::string_view mt);  // OCI manifest or Docker schema2 manifest
bool is_index(std::string_view mt);     // OCI index or Docker manifest list
bool is_config(std::string_view mt);    // OCI or Docker image config
bool is_schema1(std::string_view mt);

// The media type of an uncompressed/compressed layer in OCI or Docker form, for writers
// (layer diff, save) that must name what they produce.
std::string_view layer_media_type(Compression c, bool docker);

}  // namespace berth::image::media_type
