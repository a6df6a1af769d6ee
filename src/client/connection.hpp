#pragma once
// One stream socket to the daemon with a read buffer: blocking, because the CLI does one thing
// at a time per connection and threads where it must do two (attach + wait).
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "client/host.hpp"
#include "client/tls.hpp"
#include "common/unique_fd.hpp"

namespace berth::client {

class Connection {
  public:
    // Connects; throws ConnectError when nothing listens there.
    static std::unique_ptr<Connection> open(const Host& host);
    explicit Connection(UniqueFd fd, std::unique_ptr<TlsStream> tls = nullptr)
        : fd_(std::move(fd)), tls_(std::move(tls)) {}

    int fd() const noexcept { return fd_.get(); }
    void write_all(std::string_view data);
    // True when read_some would return at once without waiting on the socket: poll() on fd()
    // does not see bytes already read (or decrypted by TLS) but not consumed.
    bool readable_now() const { return pos_ != buf_.size() || (tls_ && tls_->pending()); }
    // Up to `size` bytes, buffered ones first; 0 at end of stream.
    size_t read_some(char* out, size_t size);
    // One line without its CRLF (or LF); false at end of stream before any byte.
    bool read_line(std::string& line, size_t limit = 64 * 1024);
    // Bytes already read from the socket but not consumed.
    std::string_view buffered() const { return std::string_view(buf_).substr(pos_); }
    void consume(size_t n) { pos_ += n; }
    // Half-close: tells the peer no more bytes come (stdin EOF on a hijacked stream).
    void shutdown_write();
    // True when the peer closed the connection or sent unexpected bytes while idle.
    bool stale() const;

  private:
    bool fill();
    UniqueFd fd_;
    // Declared after fd_: destroyed first, while the socket is still open.
    std::unique_ptr<TlsStream> tls_;
    std::string buf_;
    size_t pos_ = 0;
};

}  // namespace berth::client
