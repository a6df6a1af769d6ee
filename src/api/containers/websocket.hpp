#pragma once
// The server side of RFC 6455 over a hijacked connection, for /containers/{id}/attach/ws
// (dockerd serves it with golang.org/x/net/websocket): the handshake's accept key, and a
// RawStream whose bytes travel in websocket frames, so the attach copy loops run unchanged.
#include <memory>
#include <mutex>
#include <string>

#include "api/connection.hpp"

namespace berth::api {

// Sec-WebSocket-Accept for a client's Sec-WebSocket-Key.
std::string websocket_accept(const std::string& key);

class WebSocketStream : public RawStream {
  public:
    // binary: output as binary frames (API >= 1.28 in dockerd) rather than text frames.
    WebSocketStream(std::unique_ptr<RawStream> raw, bool binary) : raw_(std::move(raw)), binary_(binary) {}
    // The payload of the client's data frames (unmasked); 0 once it sends close or leaves.
    size_t read_some(char* buf, size_t n) override;
    void write_all(std::string_view data) override;  // one frame per call
    void close_write() override {}
    void close() override;
    int native_handle() const override { return raw_->native_handle(); }

  private:
    bool read_exact(char* p, size_t n);
    void send_frame(unsigned opcode, std::string_view payload);

    std::unique_ptr<RawStream> raw_;
    bool binary_;
    std::mutex write_mu_;
    bool closed_ = false;
    // The rest of the current data frame: its unread length and mask position.
    uint64_t left_ = 0;
    unsigned char mask_[4] = {0, 0, 0, 0};
    bool masked_ = false;
    uint64_t mask_pos_ = 0;
};

}  // namespace berth::api
