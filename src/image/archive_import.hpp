#pragma once
// `docker import`: a rootfs tarball becomes a one-layer image.
#include <string>
#include <vector>

#include "image/archive_register.hpp"
#include "image/manifest.hpp"
#include "image/platform.hpp"

namespace berth::image {

struct ImportOptions {
    // Dockerfile instructions applied to the config, as `--change` gives them:
    // CMD, ENTRYPOINT, ENV, WORKDIR, USER, LABEL, EXPOSE, VOLUME, STOPSIGNAL, ONBUILD,
    // HEALTHCHECK (moby's list for commit and import).
    std::vector<std::string> changes;
    std::string message;  // history comment; Docker's default is "Imported from -"
    std::string tag;      // reference to tag the image with; empty: untagged
    Platform platform = Platform::host();
    std::string created;  // RFC 3339; empty: now. Fixed values make the image id reproducible.
};

// Reads the tar (plain or compressed) from `fd`, stores it uncompressed as the layer
// (its digest is then the diff id), writes the config and registers the image.
Digest import_rootfs(int fd, const ArchiveTargets& targets, const ImportOptions& options = {});

// Applies `changes` to `config`. invalid_argument for anything else than the instructions
// above: `"FROM" is not a valid change command`.
void apply_changes(RunConfig& config, const std::vector<std::string>& changes);

}  // namespace berth::image
