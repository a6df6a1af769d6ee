#pragma once
// Which repositories of which registries are known to hold a blob (moby's
// distribution/metadata V2Metadata): recorded on every pull and push, so a push of a layer
// another repository of the same registry already has becomes a cross-repository mount
// instead of an upload. Kept in berth.db ("registry" component); losing a row costs only an
// upload.
#include <optional>
#include <string>

#include "image/digest.hpp"
#include "state/database.hpp"

namespace berth::registry {

class BlobSources {
  public:
    explicit BlobSources(state::Database& db);
    void add(const image::Digest& blob, const std::string& host, const std::string& repo);
    // A repository on `host` other than `except` that holds the blob.
    std::optional<std::string> find(const image::Digest& blob, const std::string& host,
                                    const std::string& except);

  private:
    state::Database& db_;
};

}  // namespace berth::registry
