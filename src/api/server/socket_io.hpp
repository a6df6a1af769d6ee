#pragma once
// Blocking I/O on a connected socket whose descriptor asio keeps in non-blocking mode: the
// worker thread that owns a request writes its response with these, polling on EAGAIN.
#include <sys/socket.h>

#include <string_view>

namespace berth::api {

// Throws unavailable ("client closed the connection") when the peer is gone.
void write_all_fd(int fd, std::string_view data);
// 0 at end of stream; throws unavailable on a reset.
size_t read_some_fd(int fd, char* buf, size_t n);
// Waits up to timeout_ms (0: just checks, -1: forever) for the peer to close or reset the
// connection; true if it did. Data the peer sends does not count as closing.
bool wait_peer_closed(int fd, int timeout_ms);

// The blocking I/O the session's writers use, on a plain socket (TlsIo is the TLS one). The
// writers are templates over it, so the unix path stays direct calls on the fd.
struct FdIo {
    int fd;
    void write_all(std::string_view data) const { write_all_fd(fd, data); }
    size_t read_some(char* buf, size_t n) const { return read_some_fd(fd, buf, n); }
    bool peer_closed(int timeout_ms) const { return wait_peer_closed(fd, timeout_ms); }
    void close_write() const { ::shutdown(fd, SHUT_WR); }
    void close() const { ::shutdown(fd, SHUT_RDWR); }
    int native_handle() const { return fd; }
};

}  // namespace berth::api
