#pragma once
// What a handler can do with the connection beyond returning a Response: read a large request
// body piece by piece, stream a chunked response over time (events, logs -f, stats, pull
// progress), or take over the raw socket (attach, exec start). The HTTP session implements
// Connection; unit tests use a fake.
#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace berth::api {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

// The socket of a hijacked connection. Blocking calls; one thread may read while another
// writes (the attach copy loops do exactly that). Closing (or destroying) ends the connection.
class RawStream {
  public:
    virtual ~RawStream() = default;
    // Up to n bytes from the client; 0 at end of stream (client closed or half-closed).
    virtual size_t read_some(char* buf, size_t n) = 0;
    // Writes all of data; throws unavailable when the client is gone.
    virtual void write_all(std::string_view data) = 0;
    // Half-close: the client sees EOF on its read side (docker CLI waits for it after stdout).
    virtual void close_write() = 0;
    virtual void close() = 0;
    // The socket descriptor for poll(); owned by the stream, never close it yourself.
    virtual int native_handle() const = 0;
};

// A chunked response being written. Each write() goes out at once as one chunk, so a client
// reading a JSON stream sees every message when it is written.
class ResponseStream {
  public:
    virtual ~ResponseStream() = default;
    // Throws unavailable when the client is gone; the handler should then return.
    virtual void write(std::string_view data) = 0;
    // The terminating chunk; also done by the server if the handler returns without it.
    virtual void finish() = 0;
    // True once the client closed its end (checked without blocking).
    virtual bool client_gone() = 0;
    // Sleeps up to timeout; returns true early if the client closed its end.
    virtual bool wait_client_gone(std::chrono::milliseconds timeout) = 0;
};

class Connection {
  public:
    virtual ~Connection() = default;
    // Up to n bytes of the request body (already de-chunked); 0 at its end.
    virtual size_t read_body(char* buf, size_t n) = 0;
    // Sends the status line and headers of a chunked response and returns its writer.
    virtual ResponseStream& start_stream(int status, const HeaderList& headers) = 0;
    // Discards the unread request body, writes head (a complete status line plus headers,
    // ending in an empty line) and hands the socket over; bytes the client sent after the
    // request are the first bytes read_some returns.
    virtual std::unique_ptr<RawStream> hijack(std::string_view head) = 0;
};

}  // namespace berth::api
