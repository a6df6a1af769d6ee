#include "api/containers/websocket.hpp"

#include <nettle/base64.h>
#include <nettle/sha1.h>

#include <algorithm>

namespace berth::api {

std::string websocket_accept(const std::string& key) {
    static const char kGuid[] = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    std::string text = key + kGuid;
    sha1_ctx ctx;
    sha1_init(&ctx);
    sha1_update(&ctx, text.size(), reinterpret_cast<const uint8_t*>(text.data()));
    uint8_t digest[SHA1_DIGEST_SIZE];
    sha1_digest(&ctx, sizeof digest, digest);
    char out[BASE64_ENCODE_RAW_LENGTH(SHA1_DIGEST_SIZE) + 1] = {};
    base64_encode_raw(out, sizeof digest, digest);
    return std::string(out, BASE64_ENCODE_RAW_LENGTH(SHA1_DIGEST_SIZE));
}

bool WebSocketStream::read_exact(char* p, size_t n) {
    while (n > 0) {
        size_t got = raw_->read_some(p, n);
        if (got == 0) return false;
        p += got;
        n -= got;
    }
    return true;
}

size_t WebSocketStream::read_some(char* buf, size_t n) {
    while (left_ == 0) {
        unsigned char head[2];
        if (!read_exact(reinterpret_cast<char*>(head), 2)) return 0;
        unsigned opcode = head[0] & 0x0f;
        masked_ = head[1] & 0x80;
        uint64_t len = head[1] & 0x7f;
        if (len == 126 || len == 127) {
            unsigned char ext[8];
            size_t k = len == 126 ? 2 : 8;
            if (!read_exact(reinterpret_cast<char*>(ext), k)) return 0;
            len = 0;
            for (size_t i = 0; i < k; ++i) len = (len << 8) | ext[i];
        }
        if (masked_ && !read_exact(reinterpret_cast<char*>(mask_), 4)) return 0;
        mask_pos_ = 0;
        if (opcode >= 0x8) {
            // Control frames are short (RFC 6455: at most 125 bytes).
            if (len > 125) return 0;
            std::string payload(len, '\0');
            if (len && !read_exact(payload.data(), len)) return 0;
            if (masked_)
                for (size_t i = 0; i < payload.size(); ++i) payload[i] = static_cast<char>(payload[i] ^ mask_[i % 4]);
            if (opcode == 0x8) return 0;  // close: the client's input ends
            if (opcode == 0x9) {
                try {
                    send_frame(0xA, payload);  // ping -> pong
                } catch (const std::exception&) {
                    return 0;
                }
            }
            continue;
        }
        left_ = len;  // text, binary or continuation: its payload is stdin
    }
    size_t take = static_cast<size_t>(std::min<uint64_t>(left_, n));
    size_t got = raw_->read_some(buf, take);
    if (got == 0) return 0;
    if (masked_)
        for (size_t i = 0; i < got; ++i) buf[i] = static_cast<char>(buf[i] ^ mask_[(mask_pos_ + i) % 4]);
    mask_pos_ += got;
    left_ -= got;
    return got;
}

void WebSocketStream::send_frame(unsigned opcode, std::string_view payload) {
    std::string frame;
    frame += static_cast<char>(0x80 | opcode);  // FIN; a server never masks
    if (payload.size() < 126) {
        frame += static_cast<char>(payload.size());
    } else if (payload.size() <= 0xffff) {
        frame += static_cast<char>(126);
        frame += static_cast<char>((payload.size() >> 8) & 0xff);
        frame += static_cast<char>(payload.size() & 0xff);
    } else {
        frame += static_cast<char>(127);
        for (int shift = 56; shift >= 0; shift -= 8) frame += static_cast<char>((payload.size() >> shift) & 0xff);
    }
    frame.append(payload);
    std::lock_guard lock(write_mu_);
    raw_->write_all(frame);
}

void WebSocketStream::write_all(std::string_view data) {
    if (!data.empty()) send_frame(binary_ ? 0x2 : 0x1, data);
}

void WebSocketStream::close() {
    {
        std::lock_guard lock(write_mu_);
        if (closed_) return;
        closed_ = true;
    }
    try {
        // Status 1000 (normal closure).
        send_frame(0x8, std::string("\x03\xe8", 2));
    } catch (const std::exception&) {
    }
    raw_->close();
}

}  // namespace berth::api
