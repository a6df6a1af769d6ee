#pragma once
// Bytes from attached clients on their way to a process's stdin (the container's or an
// exec's). The pipe is non-blocking and the process may read slowly, so bytes wait here until
// the pipe takes them. When the input has ended (the client half-closed) the pipe is closed
// only after everything before the end was written: closing earlier would cut the input short,
// and not closing at all would leave the process waiting for EOF forever.
#include <cstddef>
#include <string>

#include "common/unique_fd.hpp"

namespace berth::shim {

class StdinFeed {
public:
    // Past this much waiting input the shim stops reading from clients (back-pressure), so a
    // fast client cannot grow the shim without bound.
    static constexpr size_t kMaxPending = 256 << 10;

    // fd: the write end (non-blocking). close_at_end: false for a pty master, which is also the
    // output side and whose end of input is the terminal's business, not a close.
    void open(UniqueFd fd, bool close_at_end);
    // Queues bytes and writes what the pipe takes now. Dropped once the pipe is gone or the
    // input has ended.
    void push(const char* data, size_t size);
    // The input has ended: the pipe closes once the queued bytes are written. No-op on a pty.
    void end();
    // Writes what the pipe takes now (call on POLLOUT).
    void pump();
    // Forgets the pipe (the process's side is gone).
    void reset();

    int fd() const { return fd_.get(); }
    bool is_open() const { return static_cast<bool>(fd_); }
    bool wants_write() const { return fd_ && !pending_.empty(); }
    bool full() const { return fd_ && pending_.size() >= kMaxPending; }
    size_t pending() const { return pending_.size(); }

private:
    UniqueFd fd_;
    std::string pending_;
    bool close_at_end_ = true;
    bool ended_ = false;
};

}  // namespace berth::shim
