#pragma once
// `docker commit`'s image half: a container's upper dir becomes a new layer on top of the
// container's image, recorded like any loaded image (register_image).
#include <optional>
#include <string>
#include <vector>

#include "image/archive_register.hpp"
#include "image/commit_config.hpp"

namespace berth::image {

struct CommitImageOptions {
    std::string upper;                     // overlay upper dir (whiteouts in overlay form)
    std::vector<std::string> lowers;       // the lower dirs it sat on
    std::vector<std::string> mount_stubs;  // DiffOptions::mount_stubs
    std::optional<Digest> parent;          // the container's image; none: from scratch
    ChildImage child;                      // config and history; diff_id is filled in here
    std::string tag;                       // reference to tag the image with; empty: dangling
};

// Diffs `upper` into the content store (uncompressed, so its digest is the diff id),
// writes the child config and registers the image with the parent's layers plus the new
// one, unpacked. An empty diff adds no layer (an empty_layer history entry), as Docker.
// Everything written is leased until recorded, so a failure leaves only what GC reclaims.
// not_found when the parent image is gone.
Digest commit_image(const ArchiveTargets& targets, CommitImageOptions options);

}  // namespace berth::image
