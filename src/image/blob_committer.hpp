#pragma once
// Makes sealed blobs durable (ContentWriter::commit: fsync, rename) on a second thread, so
// that flushing one blob to disk overlaps whatever the caller does next: reading the next
// blob of an archive, unpacking layers that are already committed. A blob is only visible
// in the content store once committed; wait() for it before reading it or recording it.
#include <condition_variable>
#include <deque>
#include <exception>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <utility>

#include "image/content_store.hpp"
#include "image/digest.hpp"

namespace berth::image {

class BlobCommitter {
  public:
    BlobCommitter() = default;
    BlobCommitter(const BlobCommitter&) = delete;
    BlobCommitter& operator=(const BlobCommitter&) = delete;
    // Commits what is still queued (it is verified content), then stops.
    ~BlobCommitter();

    // `writer` must be sealed; `digest` is what seal() returned.
    void submit(ContentWriter writer, const Digest& digest);
    // Returns once `digest` is committed (at once if it was never submitted); rethrows the
    // error its commit failed with.
    void wait(const Digest& digest);
    // Waits for everything submitted; rethrows the first failure.
    void wait_all();

  private:
    void run();

    std::mutex mutex_;
    std::condition_variable changed_;
    std::deque<std::pair<Digest, ContentWriter>> queue_;
    std::map<std::string, int> pending_;  // digest -> commits queued or running
    std::map<std::string, std::exception_ptr> failed_;
    bool stop_ = false;
    std::thread thread_;
};

}  // namespace berth::image
