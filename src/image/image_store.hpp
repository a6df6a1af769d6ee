#pragma once
// Image metadata in SQLite (the images, tags and layers tables of berth.db).
//
//   images        id (config digest) -> manifest digest, created, size, last tag time
//   image_blobs   image -> every content-store blob it needs (config, manifests, index,
//                 compressed layers kept for save/push); GC keeps these
//   image_layers  image -> chain ids, in order (bottom first)
//   layers        chain id -> diff id, parent chain id, unpacked size, refcount
//   tags          full reference ("docker.io/library/busybox:latest" or "...@sha256:...") -> image
//
// A layer's refcount is the number of images using it plus explicit retains (a container's
// writable layer sits on it). Layers reaching 0 are returned to the caller, and GC removes
// them. Every multi-row change happens in one transaction.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "image/digest.hpp"
#include "state/database.hpp"

namespace berth::image {

struct LayerRecord {
    Digest chain_id;
    Digest diff_id;
    std::optional<Digest> parent;  // chain id of the layer below; none for the base
    int64_t size = 0;              // unpacked bytes
    int64_t refcount = 0;          // read-only on output
};

struct BlobRef {
    Digest digest;
    std::string media_type;
    int64_t size = 0;
};

struct ImageRecord {
    Digest id;                        // config digest
    std::optional<Digest> manifest;   // manifest it was pulled/loaded as, if any
    std::string created;              // RFC 3339, from the config
    int64_t size = 0;                 // sum of unpacked layer sizes
    std::vector<Digest> layers;       // chain ids, bottom first
    std::vector<BlobRef> blobs;       // content kept for this image (config included)
    std::string parent;               // Docker "Parent" (local builds), may be empty
    int64_t added = 0;                // unix seconds when first stored
    std::string last_tag_time;        // RFC 3339 with nanoseconds, empty if never tagged
};

struct TagRecord {
    std::string name;  // full canonical reference string
    Digest image;
    bool digest_ref = false;  // "repo@sha256:..." rather than "repo:tag"
};

class ImageStore {
public:
    // Runs the "images" component's migrations.
    explicit ImageStore(state::Database& db);

    state::Database& db() { return db_; }

    // --- images
    // Inserts the image (or, if it exists, adds what is new: blobs, manifest) and its layers
    // in one transaction. Each layer not yet known is inserted with `layers[i]`'s data; the
    // refcount of every layer of a newly added image goes up by one. `layers` must be the
    // image's chain bottom first, parents before children.
    // Returns true when the image was new.
    bool add_image(const ImageRecord& image, const std::vector<LayerRecord>& layers);
    std::optional<ImageRecord> get_image(const Digest& id);
    std::vector<ImageRecord> list_images();
    // Ids starting with `prefix` (hex, without "sha256:"), for short-id lookups.
    std::vector<Digest> find_images_by_prefix(const std::string& prefix);
    // Deletes the image, its tags and its relations, and drops one reference from each of
    // its layers. Returns the layers whose refcount reached zero (GC removes them).
    std::vector<Digest> delete_image(const Digest& id);
    // Images whose Docker "Parent" is `id` (child images of local builds).
    std::vector<Digest> children_of(const Digest& id);

    // --- tags
    // Points `name` at `image` (moving it if it pointed elsewhere); updates last tag time.
    // Returns the image the name pointed at before, if any and different.
    std::optional<Digest> set_tag(const std::string& name, const Digest& image, bool digest_ref);
    bool remove_tag(const std::string& name);
    std::optional<Digest> resolve_tag(const std::string& name);
    std::vector<TagRecord> tags_of(const Digest& image);
    std::vector<TagRecord> list_tags();

    // --- layers
    std::optional<LayerRecord> get_layer(const Digest& chain_id);
    std::vector<LayerRecord> list_layers();
    // Inserts a layer record with refcount 0 if it is not there (an unpacked layer that no
    // image references yet: GC removes it unless leased). Returns true when inserted.
    bool put_layer(const LayerRecord& layer);
    // Explicit references (a container's writable layer on top of `chain_id` and its parents):
    // retain bumps every layer of the chain, release drops them and returns those at zero.
    void retain_layer(const Digest& chain_id);
    std::vector<Digest> release_layer(const Digest& chain_id);
    // Layers with refcount 0.
    std::vector<Digest> unreferenced_layers();
    void delete_layer(const Digest& chain_id);  // only if refcount is 0; else conflict

    // --- for GC: every blob some image needs.
    std::vector<Digest> referenced_blobs();

private:
    state::Database& db_;
};


}  // namespace berth::image
