#pragma once
// docker push: each layer is checked on the registry first (HEAD), mounted from another
// repository of the same registry when one is known to hold it, else uploaded (in one PUT
// when small, in PATCH chunks when large); then the config and the manifest, byte for byte
// as stored, so the digest users see locally is the digest the registry serves.
#include <string>
#include <vector>

#include "image/content_store.hpp"
#include "image/image_store.hpp"
#include "image/reference.hpp"
#include "registry/blob_sources.hpp"
#include "registry/credentials.hpp"
#include "registry/progress.hpp"
#include "registry/registry_hosts.hpp"

namespace berth::registry {

struct PushRequest {
    image::Reference ref;  // name:tag, or a name only to push every tag of the repository
    Credentials credentials;
};

// Blobs at most this large go in one PUT; larger ones in PATCH chunks of this size.
inline constexpr uint64_t kUploadChunk = 16u << 20;

void push(RegistryHosts& hosts, image::ContentStore& content, image::ImageStore& images,
          BlobSources* sources, const PushRequest& request, ProgressSink& progress);

}  // namespace berth::registry
