#include "image/blob_committer.hpp"

namespace berth::image {

BlobCommitter::~BlobCommitter() {
    {
        std::lock_guard lock(mutex_);
        stop_ = true;
    }
    changed_.notify_all();
    if (thread_.joinable()) thread_.join();
}

void BlobCommitter::submit(ContentWriter writer, const Digest& digest) {
    {
        std::lock_guard lock(mutex_);
        queue_.emplace_back(digest, std::move(writer));
        ++pending_[digest.str()];
        if (!thread_.joinable()) thread_ = std::thread([this] { run(); });
    }
    changed_.notify_all();
}

void BlobCommitter::run() {
    std::unique_lock lock(mutex_);
    for (;;) {
        changed_.wait(lock, [this] { return stop_ || !queue_.empty(); });
        if (queue_.empty()) return;  // stopping, nothing left
        auto [digest, writer] = std::move(queue_.front());
        queue_.pop_front();
        lock.unlock();
        std::exception_ptr error;
        try {
            writer.commit();
        } catch (...) {
            error = std::current_exception();
        }
        lock.lock();
        if (error) failed_.emplace(digest.str(), error);
        if (--pending_[digest.str()] == 0) pending_.erase(digest.str());
        changed_.notify_all();
    }
}

void BlobCommitter::wait(const Digest& digest) {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return !pending_.count(digest.str()); });
    if (auto it = failed_.find(digest.str()); it != failed_.end())
        std::rethrow_exception(it->second);
}

void BlobCommitter::wait_all() {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return pending_.empty(); });
    if (!failed_.empty()) std::rethrow_exception(failed_.begin()->second);
}

}  // namespace berth::image
