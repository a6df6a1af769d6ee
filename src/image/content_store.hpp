#pragma once
// Blobs by digest on disk, the way containerd's local content store keeps them:
//
//   <root>/content/blobs/<alg>/<hex>          committed blobs, read-only, immutable
//   <root>/content/ingest/<sha256(ref)>/      one in-progress write per ingest ref:
//       data      bytes received so far        ref       the ref, for humans
//       lock      flock()ed by the writer      expected  "<digest> <size>" the writer promised
//
// A write streams into ingest/.../data while hashing, is checked against the expected
// digest and size, fsynced and renamed into blobs/. An interrupted write (crash, dropped
// connection) leaves data behind; opening the same ref again with the same expectation
// resumes at offset() after re-hashing what is there. Writers of one ref are serialised
// by flock: the second waits, then finds the blob committed and writes nothing.
#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/unique_fd.hpp"
#include "image/digest.hpp"

namespace berth::image {

class Hasher;
class Lease;

struct BlobInfo {
    Digest digest;
    uint64_t size = 0;
};

class ContentWriter {
  public:
    ContentWriter(ContentWriter&&) noexcept;
    ContentWriter& operator=(ContentWriter&&) noexcept;
    ContentWriter(const ContentWriter&) = delete;
    ContentWriter& operator=(const ContentWriter&) = delete;
    // Closes without committing; partial data stays for a later resume (unless abort()ed).
    ~ContentWriter();

    // Bytes already written, including those kept from an earlier interrupted ingest.
    // A caller streaming from a registry resumes with Range: bytes=<offset()>-.
    uint64_t offset() const;
    // True when the expected blob was already committed when this writer opened (another
    // writer won the race): write() then only counts bytes and commit() is a no-op.
    bool already_exists() const;

    // Appends. Throws invalid_argument (and discards the ingest) when more bytes than the
    // expected size arrive.
    void write(const void* data, size_t size);
    void write(std::string_view data) { write(data.data(), data.size()); }
    // Drops what was written so far and starts at offset 0 (e.g. the server ignored Range).
    void truncate();

    // The first half of commit(): verifies size and digest (discarding the ingest on a
    // mismatch, as commit does), adds the digest to `lease` and returns it. The blob is not
    // visible until commit(), which may then run on another thread (BlobCommitter), so the
    // disk flush of one blob overlaps the caller's next work. Idempotent.
    Digest seal(Lease* lease = nullptr);
    // Verifies size and digest, fsyncs, renames into blobs/ and removes the ingest dir.
    // On a mismatch the ingest is discarded (nothing left behind) and invalid_argument
    // thrown naming the expected and actual values. If `lease` is given, the digest is
    // added to it before the blob becomes visible, so a concurrent GC cannot take it.
    // Returns the blob's digest (computed when no digest was expected).
    Digest commit(Lease* lease = nullptr);
    // Removes the ingest's data; the writer is unusable afterwards.
    void abort();

  private:
    friend class ContentStore;
    struct State;
    explicit ContentWriter(std::unique_ptr<State> state);
    std::unique_ptr<State> state_;
};

// For a caller unwinding from an error: drops the writer's data, keeping the first error.
void abort_quietly(ContentWriter& w) noexcept;

class ContentStore {
  public:
    // `root` is the data root; blobs live under <root>/content. Directories are created.
    explicit ContentStore(std::string root);

    // Opens (or resumes) the ingest named `ref`. `expected` and `expected_size` may be
    // empty/nullopt when unknown (layer diff output); when given they are enforced.
    // Blocks while another writer holds the same ref.
    ContentWriter open_writer(const std::string& ref, const Digest& expected = {},
                              std::optional<uint64_t> expected_size = std::nullopt);

    // Writes a whole small blob (manifest, config) in one go; idempotent.
    Digest put(std::string_view data, Lease* lease = nullptr);

    bool exists(const Digest& digest) const;
    // Size of a committed blob; not_found when absent.
    BlobInfo info(const Digest& digest) const;
    // Whole blob into memory, for manifests and configs: refuses blobs above max_size,
    // and checks the digest (cheap at these sizes). Throws not_found / invalid_argument.
    std::string read_blob(const Digest& digest, uint64_t max_size = 16u << 20) const;
    // Read-only fd for streaming (layers). `expected_size`, when given, is checked.
    UniqueFd open_blob(const Digest& digest,
                       std::optional<uint64_t> expected_size = std::nullopt) const;
    // Re-hashes the blob; throws invalid_argument ("blob sha256:... is corrupt: content
    // hashes to sha256:...") when it does not match its name.
    void verify(const Digest& digest) const;
    // Removes a committed blob; false when it was not there.
    bool remove(const Digest& digest);
    // All committed blobs (sha256 and sha512).
    std::vector<BlobInfo> list() const;

    // In-progress ingest refs (for status and for cleaning stale ingests).
    std::vector<std::string> list_ingests() const;
    void abort_ingest(const std::string& ref);
    // Removes every ingest, whatever state it is in (a torn one without ref too): only for a
    // store no writer uses, as at berthd's start. berth never resumes an ingest across runs
    // (a load starts its blobs over, commit and import refs are unique to one run), so
    // what an earlier run left is only lost space. Returns the ingests and bytes removed.
    std::pair<size_t, uint64_t> clear_ingests();
    // Bytes of committed blobs and of ingests in progress: what `system df` counts.
    uint64_t disk_usage() const;

    std::string blob_path(const Digest& digest) const;
    const std::string& root() const { return root_; }

  private:
    std::string root_;    // <root>/content
    std::string blobs_;   // <root>/content/blobs
    std::string ingest_;  // <root>/content/ingest
};

}  // namespace berth::image
