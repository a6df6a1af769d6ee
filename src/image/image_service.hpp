#pragma once
// What users see of images, as library calls the daemon's API router exposes: list,
// inspect, history, tag, remove, prune. Shapes and messages follow Docker Engine API v1.47
// (ImageSummary, ImageInspect, HistoryResponseItem, ImageDeleteResponseItem).
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/json_reader.hpp"
#include "image/digest.hpp"
#include "image/gc.hpp"
#include "image/manifest.hpp"

namespace berth::image {

class ContentStore;
class ImageStore;

// A container that uses an image (the engine answers this).
struct ContainerUse {
    std::string container_id;
    bool running = false;
};
using InUseFn = std::function<std::vector<ContainerUse>(const Digest& image_id)>;

struct ImageSummary {
    std::string id;  // "sha256:..."
    std::string parent_id;
    std::vector<std::string> repo_tags;     // familiar: "busybox:latest"
    std::vector<std::string> repo_digests;  // familiar: "busybox@sha256:..."
    int64_t created = 0;                    // unix seconds
    int64_t size = 0;
    int64_t shared_size = -1;
    std::map<std::string, std::string> labels;
    int64_t containers = -1;
    Json to_json() const;  // {"Id", "ParentId", "RepoTags", ...}
};

struct HistoryItem {
    std::string id;  // image id for the top entry of each image, else "<missing>"
    int64_t created = 0;
    std::string created_by;
    std::vector<std::string> tags;
    int64_t size = 0;
    std::string comment;
    Json to_json() const;
};

struct DeleteItem {
    std::string untagged;  // familiar reference
    std::string deleted;   // image id
    Json to_json() const;  // {"Untagged": ...} or {"Deleted": ...}
};

struct PruneReport {
    std::vector<DeleteItem> images_deleted;
    uint64_t space_reclaimed = 0;
    Json to_json() const;  // {"ImagesDeleted": [...], "SpaceReclaimed": n}
};

// Filters as the API receives them: {"dangling": ["true"], "label": ["a=b"], ...}.
using Filters = std::map<std::string, std::vector<std::string>>;

struct ServiceOptions {
    InUseFn in_use;             // none: nothing is in use
    GcOptions gc;               // how prune/remove drop layer dirs
    LeaseManager* leases = nullptr;  // shared with imports; service makes its own if null
};

class ImageService {
public:
    ImageService(ContentStore& content, ImageStore& store, ServiceOptions options = {});
    ~ImageService();

    // Accepts a reference ("busybox", "busybox:1.36", "repo@sha256:..."), a full id
    // ("sha256:<hex>" or "<hex>") or a unique id prefix. not_found: "No such image: x".
    Digest resolve(const std::string& name_or_id);
    ImageConfig config(const Digest& id);

    // `all` shows intermediate images too (dangling images with children); filters:
    // dangling=true|false, reference=PATTERN, label=KEY or KEY=VALUE, before=IMG, since=IMG.
    // Unknown filter names are invalid_argument ("invalid filter 'x'"), like Docker.
    std::vector<ImageSummary> list(const Filters& filters = {}, bool all = false);
    // Docker's ImageInspect JSON.
    Json inspect(const std::string& name_or_id);
    // Newest first.
    std::vector<HistoryItem> history(const std::string& name_or_id);

    // Points `target` (normalised, ":latest" added) at the image `source` names.
    void tag(const std::string& source, const std::string& target);

    // Docker's image delete: by a reference untags it (and deletes the image if that was its
    // last reference); by id deletes the image, refusing when it has several repository
    // references unless forced; refused while a container uses it unless forced (a running
    // container refuses even then).
    std::vector<DeleteItem> remove(const std::string& name_or_id, bool force = false,
                                   bool prune_children = true);

    // At berthd's start, when no pull, load, import or commit runs: removes what such an
    // operation cut short left behind: every ingest and whatever blob or layer no image or
    // container references (the same collection prune runs). Returns what it removed, for
    // the log ("" when nothing).
    std::string sweep_at_startup();

    // Dangling images (untagged and without children); with all=true, every image no
    // container uses. Filters: until=TIMESTAMP, label=... (and label!=...).
    PruneReport prune(bool all = false, const Filters& filters = {});

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace berth::image
