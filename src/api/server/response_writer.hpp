#pragma once
// Writing responses on a connection the worker thread owns: whole responses, chunked streams
// and the raw stream of a hijacked connection.
#include <memory>
#include <string>

#include "api/connection.hpp"
#include "api/response.hpp"

namespace berth::api {

// Status line, server headers, the response's headers, Content-Length and body (none for HEAD).
std::string serialize(const Response& res, bool keep_alive, bool head_request);

class ChunkedWriter final : public ResponseStream {
  public:
    // chunked=false for HTTP/1.0 clients: the body is written raw and the connection closes.
    ChunkedWriter(int fd, bool chunked) : fd_(fd), chunked_(chunked) {}
    void start(int status, const HeaderList& headers);

    void write(std::string_view data) override;
    void finish() override;
    bool client_gone() override;
    bool wait_client_gone(std::chrono::milliseconds timeout) override;

    // Finishes the stream unless done already; false if the client was gone.
    bool finish_if_open();
    bool chunked() const { return chunked_; }

  private:
    int fd_;
    bool chunked_;
    bool finished_ = false;
    bool broken_ = false;
};

class HijackedSocket final : public RawStream {
  public:
    // keep_alive holds the HTTP session (and so the socket) open as long as this stream lives.
    HijackedSocket(int fd, std::string leftover, std::shared_ptr<void> keep_alive)
        : fd_(fd), leftover_(std::move(leftover)), keep_alive_(std::move(keep_alive)) {}
    ~HijackedSocket() override;

    size_t read_some(char* buf, size_t n) override;
    void write_all(std::string_view data) override;
    void close_write() override;
    void close() override;
    int native_handle() const override { return fd_; }

  private:
    int fd_;
    std::string leftover_;
    size_t leftover_pos_ = 0;
    std::shared_ptr<void> keep_alive_;
};

}  // namespace berth::api
