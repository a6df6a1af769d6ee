#pragma once
// Applying a layer tar (plain, gzip or zstd) onto a directory, securely.
#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>

#include "image/digest.hpp"

namespace berth::image {

class ApplyLog;

enum class WhiteoutMode {
    // Onto a full rootfs: `.wh.NAME` deletes NAME, `.wh..wh..opq` empties the directory of
    // what lower layers put there.
    flatten,
    // Onto an empty directory that will be an overlayfs lower: deletions are recorded the
    // way overlayfs reads them (a 0/0 character device; trusted.overlay.opaque=y on dirs).
    overlay,
};

// docker cp (PUT /containers/{id}/archive) applies a tar by moby's archive.Untar rules, not a
// layer's: `.wh.` names are ordinary files (no whiteouts), names are cleaned lexically
// (absolute ones are relative to the root; only one that leads above it is refused, see
// split_untar_path), and noOverwriteDirNonDir refuses to replace a directory with a
// non-directory or the reverse, in moby's words. The journal still makes it all or nothing.
struct CopyRules {
    // The extraction directory as the container sees it ("/tmp"), for messages.
    std::string dest = "/";
    bool no_overwrite_dir_non_dir = false;
};

struct ApplyOptions {
    WhiteoutMode mode = WhiteoutMode::flatten;  // ignored with `copy`
    // Set for docker cp: the tar is an archive to copy in, not a layer.
    std::optional<CopyRules> copy;
    // Set owners from the tar. Off for unprivileged callers (tests), which keep their own.
    bool preserve_owners = true;
    // apply_layer_at only: every change is written ahead to this log, so that an apply cut
    // short by the death of the process can be undone at the next start (apply_log.hpp).
    ApplyLog* log = nullptr;
    // Name of the layer in messages ("layer sha256:ab12...").
    std::string what = "layer";
};

struct ApplyResult {
    Digest diff_id;              // sha256 of the uncompressed tar
    uint64_t tar_size = 0;       // bytes of the uncompressed tar
    uint64_t unpacked_size = 0;  // bytes of regular file data written
};

// Reads a layer from `fd` and applies it to `target`.
// When `target` does not exist (or is an empty directory) the layer is extracted into a
// temp directory next to it and renamed into place on success, so a refused or broken
// layer leaves nothing behind. When `target` already has content (flatten stacking) the
// layer is applied in place with an undo journal (apply_journal.hpp): a refused or broken
// layer is rolled back, leaving the directory as it was (entries, owners, modes, xattrs,
// directory times; only ctimes differ).
// An unsafe entry is refused with invalid_argument naming it:
//   layer entry "../etc/passwd": path escapes the layer root
ApplyResult apply_layer(int fd, const std::string& target, const ApplyOptions& options = {});

// Applies onto an open directory fd in place (no temp dir), all or nothing through the undo
// journal; used by apply_layer and tests.
ApplyResult apply_layer_at(int fd, int root_fd, const ApplyOptions& options);

}  // namespace berth::image
