#pragma once
// A container's writable layer (an overlayfs upper dir) back into a layer tar.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "image/digest.hpp"

namespace berth::image {

struct DiffOptions {
    // The lower dirs the upper sat on (any order). When given, a whiteout for a name that
    // no lower has (a file created and deleted in the container) is left out.
    std::vector<std::string> lowers;
    // Paths ("etc/resolv.conf", no leading '/') of mount points the engine's runtime made in
    // the upper dir for its own mounts. Left out when no lower has them and they are an empty
    // file or an empty dir: Docker keeps these in an "init" layer that commits never see.
    // Needs `lowers`.
    std::vector<std::string> mount_stubs;
    // SOURCE_DATE_EPOCH: mtimes later than this are clamped to it, for reproducible layers.
    std::optional<int64_t> source_date_epoch;
};

struct DiffResult {
    Digest diff_id;     // sha256 of the tar written
    uint64_t size = 0;  // bytes written
};

// Writes the upper dir `upper` (overlay form: deletions are 0/0 character devices, opaque
// directories carry trusted.overlay.opaque=y) to `out_fd` as an uncompressed OCI layer tar
// with `.wh.NAME` and `.wh..wh..opq` whiteouts. Deterministic: entries in byte order of
// their names, directory by directory; numeric owners only; no atime/ctime; no sub-second
// times; so the same content gives the same digest.
DiffResult write_layer_diff(const std::string& upper, int out_fd, const DiffOptions& options = {});

}  // namespace berth::image
