#pragma once
// What berth remembers about registries, in berth.db (its "registry" component); losing a
// row costs only work, never data:
// - which repositories of which registries hold a blob (moby's distribution/metadata
//   V2Metadata), recorded on every pull and push, so a push of a layer another repository of
//   the same registry already has becomes a cross-repository mount instead of an upload;
// - the gzip form of each uncompressed layer a push compressed, so it is compressed once.
#include <cstdint>
#include <optional>
#include <string>

#include "image/digest.hpp"
#include "state/database.hpp"

namespace berth::registry {

class RegistryRecords {
  public:
    explicit RegistryRecords(state::Database& db);
    void add(const image::Digest& blob, const std::string& host, const std::string& repo);
    // A repository on `host` other than `except` that holds the blob.
    std::optional<std::string> find(const image::Digest& blob, const std::string& host,
                                    const std::string& except);

    struct Compressed {
        image::Digest digest;
        int64_t size = 0;
    };
    void remember_gzip(const image::Digest& plain, const Compressed& gzip);
    std::optional<Compressed> gzip_of(const image::Digest& plain);

  private:
    state::Database& db_;
};

}  // namespace berth::registry
