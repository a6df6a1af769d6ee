#pragma once
// What load and import share: where images go (content store, image store, layer
// unpacking) and how a set of blobs becomes an image record with tags.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "image/digest.hpp"
#include "image/manifest.hpp"

namespace berth::image {

class ContentStore;
class ImageStore;
class Lease;
class LeaseManager;

// Unpacks one layer blob (read from `blob_fd`, any compression) as `chain_id` on top of
// `parent`, checking `diff_id`; returns the unpacked size. The engine wires this to
// storage::LayerStore::unpack; image/ does not depend on storage/.
using UnpackFn = std::function<uint64_t(const Digest& chain_id, const Digest& diff_id,
                                        const std::optional<Digest>& parent, int blob_fd)>;

struct ArchiveTargets {
    ContentStore& content;
    ImageStore& images;
    LeaseManager* leases = nullptr;  // protects blobs from a concurrent GC until registered
    UnpackFn unpack;                 // none: layers are unpacked later, on first use
};

// Called for each blob before register_image reads or records it; load passes one while
// blobs are still being committed on another thread (BlobCommitter).
using BlobReadyFn = std::function<void(const Digest&)>;

struct NewImage {
    Digest config;                   // committed in the content store
    std::optional<Digest> manifest;  // committed; an OCI manifest is written when absent
    std::vector<Descriptor> layers;  // committed blobs, bottom first
    std::vector<std::string> tags;   // references as given ("busybox", "x/y:1")
    std::string parent;              // Docker's "Parent" image id (commit); empty: none
};

// Checks the layers against the config's diff ids, writes a manifest if needed, unpacks
// the layers (when targets.unpack is set), adds the image and its layers to the image
// store and points the tags at it. Returns the image id (the config digest).
Digest register_image(const ArchiveTargets& targets, const NewImage& image, Lease* lease,
                      const BlobReadyFn& ready = {});

// Media type of a layer blob from its first bytes: gzip, zstd or plain tar (OCI types).
std::string sniff_layer_media_type(ContentStore& content, const Digest& blob);
// The same from a blob's first bytes (at least 4 when the blob has them).
std::string sniff_layer_media_type(std::string_view head);

}  // namespace berth::image
