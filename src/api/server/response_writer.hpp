#pragma once
// Writing responses on a connection the worker thread owns: whole responses, chunked streams
// and the raw stream of a hijacked connection. The writers are templates over the connection's
// blocking I/O (FdIo for plain sockets, TlsIo for TLS), instantiated for both in the .cpp.
#include <memory>
#include <string>

#include "api/connection.hpp"
#include "api/response.hpp"

namespace berth::api {

// Status line, server headers, the response's headers, Content-Length and body (none for HEAD).
std::string serialize(const Response& res, bool keep_alive, bool head_request);

template <class Io>
class ChunkedWriter final : public ResponseStream {
  public:
    // chunked=false for HTTP/1.0 clients: the body is written raw and the connection closes.
    ChunkedWriter(Io io, bool chunked) : io_(io), chunked_(chunked) {}
    void start(int status, const HeaderList& headers);

    void write(std::string_view data) override;
    void finish() override;
    bool client_gone() override;
    bool wait_client_gone(std::chrono::milliseconds timeout) override;

    // Finishes the stream unless done already; false if the client was gone.
    bool finish_if_open();
    bool chunked() const { return chunked_; }

  private:
    Io io_;
    bool chunked_;
    bool finished_ = false;
    bool broken_ = false;
};

template <class Io>
class HijackedSocket final : public RawStream {
  public:
    // keep_alive holds the HTTP session (and so the socket) open as long as this stream lives.
    HijackedSocket(Io io, std::string leftover, std::shared_ptr<void> keep_alive)
        : io_(io), leftover_(std::move(leftover)), keep_alive_(std::move(keep_alive)) {}
    ~HijackedSocket() override;

    size_t read_some(char* buf, size_t n) override;
    void write_all(std::string_view data) override;
    void close_write() override;
    void close() override;
    int native_handle() const override { return io_.native_handle(); }

  private:
    Io io_;
    std::string leftover_;
    size_t leftover_pos_ = 0;
    std::shared_ptr<void> keep_alive_;
};

}  // namespace berth::api
