#pragma once
// docker pull: a reference resolved on its registry (mirrors first for docker.io), the
// manifest for this platform chosen from an index, the config and the missing layers
// downloaded in parallel while the layers already downloaded are unpacked in order behind
// them, then the image recorded and tagged. Progress goes out as Docker's JSON messages.
#include <optional>
#include <string>

#include "image/archive_register.hpp"
#include "image/platform.hpp"
#include "image/reference.hpp"
#include "registry/registry_records.hpp"
#include "registry/credentials.hpp"
#include "registry/progress.hpp"
#include "registry/registry_hosts.hpp"

namespace berth::registry {

struct PullRequest {
    image::Reference ref;  // normalised; a tag, a digest, or neither with all_tags
    bool all_tags = false;
    std::optional<image::Platform> platform;  // none: this host's
    Credentials credentials;
};

struct PullResult {
    image::Digest image_id;  // of the last image pulled
    bool downloaded = false;  // false: everything was already here
};

// Throws Error with Docker's messages ("manifest for x:y not found: manifest unknown: ...",
// "pull access denied for x, repository does not exist or may require 'docker login'...").
// Nothing half-written stays visible: blobs are committed only when verified, the image only
// recorded when every layer is unpacked.
// `sources`, when given, learns which repository holds each blob (for cross-repo mounts).
PullResult pull(RegistryHosts& hosts, const image::ArchiveTargets& targets,
                const PullRequest& request, ProgressSink& progress, RegistryRecords* sources = nullptr);

}  // namespace berth::registry
