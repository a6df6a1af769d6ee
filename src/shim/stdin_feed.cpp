#include "shim/stdin_feed.hpp"

#include <unistd.h>

#include <cerrno>

namespace berth::shim {

void StdinFeed::open(UniqueFd fd, bool close_at_end) {
    fd_ = std::move(fd);
    close_at_end_ = close_at_end;
    pending_.clear();
    ended_ = false;
}

void StdinFeed::push(const char* data, size_t size) {
    if (!fd_ || ended_) return;
    pending_.append(data, size);
    pump();
}

void StdinFeed::end() {
    // A terminal's input does not end with one client: the next attach types on (Docker
    // closes stdin at the end of input only without a TTY).
    if (!close_at_end_) return;
    ended_ = true;
    pump();
}

void StdinFeed::pump() {
    while (fd_ && !pending_.empty()) {
        ssize_t n = ::write(fd_.get(), pending_.data(), pending_.size());
        if (n > 0) {
            pending_.erase(0, static_cast<size_t>(n));
        } else if (n < 0 && errno == EINTR) {
            continue;
        } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            return;
        } else {
            reset();  // the process closed its stdin (EPIPE): nothing more can reach it
            return;
        }
    }
    if (fd_ && ended_ && close_at_end_) fd_.reset();
}

void StdinFeed::reset() {
    fd_.reset();
    pending_.clear();
}

}  // namespace berth::shim
