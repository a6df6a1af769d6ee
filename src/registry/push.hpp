#pragma once
// docker push: each layer is checked on the registry first (HEAD), mounted from another
// repository of the same registry when one is known to hold it, else uploaded (in one PUT
// when small, in PATCH chunks when large); then the config and the manifest, byte for byte
// as stored, so the digest users see locally is the digest the registry serves.
#include <string>
#include <vector>

#include "image/content_store.hpp"
#include "image/gc.hpp"
#include "image/image_store.hpp"
#include "image/reference.hpp"
#include "registry/registry_records.hpp"
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

// Uncompressed layers are pushed in their gzip form (push_form.hpp); `leases` protects the
// compressed blobs from a concurrent GC until the image records them.
void push(RegistryHosts& hosts, image::ContentStore& content, image::ImageStore& images,
          RegistryRecords* sources, image::LeaseManager* leases, const PushRequest& request,
          ProgressSink& progress);

}  // namespace berth::registry
