#pragma once
// Reading from a repository: manifests (content negotiation over OCI and Docker types,
// digest checked, 4 MiB at most) and blobs (streamed into the content store, digest
// verified as they arrive, resumed with Range after a cut, retried with backoff).
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "image/content_store.hpp"
#include "image/manifest.hpp"
#include "registry/session.hpp"

namespace berth::image {
class Lease;
}

namespace berth::registry {

inline constexpr uint64_t kMaxManifestSize = 4u << 20;

struct FetchedManifest {
    std::string bytes;
    std::string media_type;  // the Content-Type, or the document's mediaType
    image::Digest digest;
};

// GET /v2/<repo>/manifests/<tag|digest>. `ref_text` names the image in errors
// ("127.0.0.1:5000/x:nope"). A digest reference must match the bytes; a tag's digest is the
// bytes' sha256 (and must equal Docker-Content-Digest when the registry sends it).
FetchedManifest fetch_manifest(Session& session, HttpClient& http, const std::string& repo,
                               const std::string& tag_or_digest, const std::string& ref_text);

// Downloads `blob` into `content` unless it is there already (returns false then).
// `on_progress(bytes_so_far)` follows the transfer. An Error names the digest.
bool fetch_blob(Session& session, HttpClient& http, const std::string& repo,
                const image::Descriptor& blob, image::ContentStore& content, image::Lease* lease,
                const std::function<void(uint64_t)>& on_progress,
                const std::function<bool()>& cancelled = {});

// Error text for a failed registry answer, Docker's way: "<Method> \"<url>\": <text>" is
// not used for manifests; `what` prefixes it ("manifest for x:y not found").
[[noreturn]] void throw_registry_error(Session& session, const HttpResponse& response,
                                       const std::string& what);

}  // namespace berth::registry
