#pragma once
// The image config `docker commit` writes, as pure functions over Docker-shaped JSON
// (moby's daemon/commit.go merge, dockerfile.BuildFromConfig and image.NewChildImage), so
// the rules can be tested without a container.
#include <optional>
#include <string>
#include <vector>

#include "common/json_reader.hpp"
#include "image/digest.hpp"
#include "image/platform.hpp"

namespace berth::image {

// Fills what `user` (a ContainerConfig: the request body's, or the container's own after
// --change) leaves unset from `container` (the container's Config): User, WorkingDir and
// StopSignal when empty; ExposedPorts, Env (by key), Labels and Volumes are unions with
// `user` winning; Cmd (and ArgsEscaped) only when neither Entrypoint nor Cmd is given, and
// Entrypoint only when absent (an explicit [] clears it); Healthcheck field by field.
Json merge_commit_config(Json user, const Json& container);

// Applies Dockerfile instructions (apply_changes' set) to a ContainerConfig, touching only
// the fields an instruction changed, so Hostname, Image, Tty... stay as they were.
// invalid_argument naming the instruction for anything else.
Json apply_changes_to_config(Json config, const std::vector<std::string>& changes);

struct ChildImage {
    std::string container_id;
    Json config;            // the new image's ContainerConfig (merged, changes applied)
    Json container_config;  // the container's Config as it was
    std::string author, comment;
    std::string created;                   // RFC 3339
    std::optional<Digest> diff_id;         // none: the container changed nothing (empty layer)
    Platform platform = Platform::host();  // used when the parent has none (commit from scratch)
};

// The image config of the committed image: the parent's rootfs and history with one entry
// appended (created_by: the container's Cmd joined by spaces, Docker's choice), the
// parent's platform, `container` and `container_config`. `parent` is the parent's config
// document; null for an image without one.
Json child_image_config(const Json& parent, const ChildImage& child);

// sha256 of a tar with no entries (1024 zero bytes): a diff with this id changed nothing.
const Digest& empty_layer_diff_id();

}  // namespace berth::image
