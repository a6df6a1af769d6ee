#pragma once
// Container snapshots: an overlay of an image's unpacked layers plus a writable upper dir.
//
//   <dir>/upper/   the container's changes (what `commit` and `diff` read)
//   <dir>/work/    overlayfs scratch space
//   <dir>/rootfs/  the mount point
//
// <dir> is <root>/containers/<id>/ unless the caller gives a path.
#include <optional>
#include <string>
#include <vector>

#include "image/digest.hpp"
#include "storage/layer_store.hpp"

namespace berth::storage {

struct Snapshot {
    std::string dir;
    std::string upper;
    std::string work;
    std::string rootfs;
    std::vector<std::string> lowers;  // top first
};

class Snapshotter {
public:
    // `root` is the data root (containers under <root>/containers).
    Snapshotter(LayerStore& layers, std::string root);

    // Creates the directories of a snapshot on top of the chain `top` (none: an empty
    // image) without mounting it. `dir` overrides <root>/containers/<id>.
    Snapshot prepare(const std::string& id, const std::optional<image::Digest>& top,
                     const std::string& dir = "");
    // Mounts rootfs/. Idempotent: an already mounted snapshot is left as it is.
    // `throwaway`: the snapshot is discarded after this use (a --rm container), so the
    // overlay is mounted volatile (no syncs of the upper fs; see OverlayMount).
    void mount(const Snapshot& s, bool throwaway = false);
    // Unmounts rootfs/ (detaching if busy). False when it was not mounted.
    bool unmount(const Snapshot& s);
    // Unmounts and removes the whole snapshot dir.
    void remove(const Snapshot& s);

    // The snapshot of `id` as prepare() made it (same `dir` override), for later calls.
    Snapshot get(const std::string& id, const std::optional<image::Digest>& top,
                 const std::string& dir = "") const;

private:
    LayerStore& layers_;
    std::string containers_;
};

}  // namespace berth::storage
