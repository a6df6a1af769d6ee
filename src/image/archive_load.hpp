#pragma once
// `docker load`: image archives into the content and image stores.
//
// Reads, in one streaming pass over the tar (plain or compressed; layers never held in
// memory), what current Docker (25+) writes — manifest.json and repositories next to an
// OCI layout (index.json, oci-layout, blobs/sha256/) — what older Docker and skopeo's
// docker-archive write (<id>/layer.tar or <hex>.tar, <hex>.json, manifest.json), and plain
// OCI image layouts (skopeo's oci-archive), as a tar or as a directory.
#include <string>
#include <vector>

#include "image/archive_register.hpp"
#include "image/digest.hpp"
#include "image/platform.hpp"

namespace berth::image {

struct LoadOptions {
    // OCI layouts often name images by tag only (org.opencontainers.image.ref.name "latest");
    // such images are tagged <default_name>:<tag>, or left untagged when this is empty.
    std::string default_name;
    Platform platform = Platform::host();  // for index entries that are multi-platform
};

struct LoadResult {
    std::vector<Digest> images;
    std::vector<std::string> tags;  // familiar form, as Docker prints "Loaded image: ..."
};

LoadResult load_archive(int fd, const ArchiveTargets& targets, const LoadOptions& options = {});
LoadResult load_oci_layout_dir(const std::string& dir, const ArchiveTargets& targets,
                               const LoadOptions& options = {});

}  // namespace berth::image
