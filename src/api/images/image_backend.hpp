#pragma once
// What the images router needs from the image library (moby's router/image Backend). Shapes
// are Engine API v1.47 JSON; errors are berth::Error ("No such image: x" not_found).
#include <functional>
#include <string>
#include <vector>

#include "api/containers/container_backend.hpp"

namespace berth::api {

struct ImportRequest {
    std::vector<std::string> changes;  // Dockerfile instructions (--change)
    std::string message;
    std::string reference;  // repo[:tag] to tag the image with; empty: untagged
};

struct CommitRequest {
    std::string container;
    std::string reference;  // repo[:tag]; empty: untagged
    std::string comment, author;
    std::vector<std::string> changes;
    bool pause = true;
    Json config;  // ContainerConfig overrides from the body (may be null)
};

// One of Docker's JSON progress messages ({"status":..,"progressDetail":..,"id":..}); called
// from several threads of one pull, never at once.
using ProgressFn = std::function<void(const Json&)>;

struct PullRequest {
    std::string reference;  // "busybox:1.36", "x@sha256:...", or a name alone with all_tags
    bool all_tags = false;
    std::string platform;     // "linux/arm64"; empty: the host's
    std::string auth_header;  // X-Registry-Auth as sent
};

class ImageBackend {
  public:
    virtual ~ImageBackend() = default;
    virtual Json list(const FilterMap& filters, bool all) = 0;  // [ImageSummary]
    virtual Json inspect(const std::string& name) = 0;
    virtual Json history(const std::string& name) = 0;
    virtual void tag(const std::string& source, const std::string& target) = 0;
    virtual Json remove(const std::string& name, bool force, bool noprune) = 0;  // [DeleteItem]
    virtual Json prune(const FilterMap& filters) = 0;          // {ImagesDeleted, SpaceReclaimed}
    virtual std::string resolve(const std::string& name) = 0;  // image id
    // The "Loaded image: x" / "Loaded image ID: sha256:..." lines docker prints.
    virtual std::vector<std::string> load(int in_fd) = 0;
    virtual void save(const std::vector<std::string>& names, int out_fd) = 0;
    virtual std::string import(int in_fd, const ImportRequest& request) = 0;  // image id
    virtual std::string commit(const CommitRequest& request) = 0;             // image id
    // Registries. Errors before the first progress message are thrown (the router answers
    // with their status); later ones too, and the router writes them into the stream.
    virtual void pull(const PullRequest& request, const ProgressFn& progress) = 0;
    // `reference` is name:tag, or a name alone for every tag of it. `platform` (API 1.46's
    // JSON-encoded OCI platform, or empty) must be the image's own: berth's images are
    // single-platform.
    virtual void push(const std::string& reference, const std::string& auth_header,
                      const std::string& platform, const ProgressFn& progress) = 0;
    virtual Json login(const Json& auth_config) = 0;  // {"Status", "IdentityToken"}
    virtual Json distribution_inspect(const std::string& reference, const std::string& auth_header) = 0;
};

}  // namespace berth::api
