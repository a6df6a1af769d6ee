#include "shim/protocol.hpp"

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "common/error.hpp"
#include "common/unique_fd.hpp"
#include "shim/unix_address.hpp"

namespace berth::shim {

namespace {

void write_all(int fd, const char* data, size_t size) {
    while (size > 0) {
        ssize_t n = ::send(fd, data, size, MSG_NOSIGNAL);
        if (n < 0) {
            if (errno == EINTR) continue;
            throw_errno("shim protocol: write");
        }
        data += n;
        size -= static_cast<size_t>(n);
    }
}

// Reads exactly `size` bytes; returns the count read before EOF.
size_t read_full(int fd, char* data, size_t size) {
    size_t done = 0;
    while (done < size) {
        ssize_t n = ::read(fd, data + done, size - done);
        if (n < 0) {
            if (errno == EINTR) continue;
            throw_errno("shim protocol: read");
        }
        if (n == 0) break;
        done += static_cast<size_t>(n);
    }
    return done;
}

Errc errc_from_name(const std::string& name) {
    for (Errc c : {Errc::not_found, Errc::conflict, Errc::invalid_argument, Errc::permission_denied,
                   Errc::unavailable, Errc::not_implemented, Errc::internal}) {
        if (errc_name(c) == name) return c;
    }
    return Errc::internal;
}

}  // namespace

void write_message(int fd, const Json& message) {
    std::string body = message.dump();
    uint32_t n = static_cast<uint32_t>(body.size());
    unsigned char head[4] = {static_cast<unsigned char>(n >> 24), static_cast<unsigned char>(n >> 16),
                             static_cast<unsigned char>(n >> 8), static_cast<unsigned char>(n)};
    body.insert(0, reinterpret_cast<char*>(head), 4);
    write_all(fd, body.data(), body.size());
}

std::optional<Json> read_message(int fd) {
    unsigned char head[4];
    size_t got = read_full(fd, reinterpret_cast<char*>(head), 4);
    if (got == 0) return std::nullopt;
    if (got < 4) throw Error(Errc::internal, "shim protocol: truncated message header");
    uint32_t n = (uint32_t(head[0]) << 24) | (uint32_t(head[1]) << 16) | (uint32_t(head[2]) << 8) | head[3];
    if (n > kMaxMessage) throw Error(Errc::invalid_argument, "shim protocol: message too large");
    std::string body(n, '\0');
    if (read_full(fd, body.data(), n) != n) throw Error(Errc::internal, "shim protocol: truncated message");
    return parse_json(body, "shim message");
}

void frame_header(unsigned char out[8], int stream, uint32_t size) {
    out[0] = static_cast<unsigned char>(stream);
    out[1] = out[2] = out[3] = 0;
    out[4] = static_cast<unsigned char>(size >> 24);
    out[5] = static_cast<unsigned char>(size >> 16);
    out[6] = static_cast<unsigned char>(size >> 8);
    out[7] = static_cast<unsigned char>(size);
}

Json call(const std::string& shim_dir, const Json& request, int* stream, int timeout_ms) {
    std::string path = shim_dir + "/" + kControlSocket;
    UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
    if (!fd) throw_errno("socket");
    UniqueFd dir;
    sockaddr_un addr = unix_address(path, dir);
    if (::connect(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) < 0) {
        int err = errno;
        throw Error(err == ENOENT ? Errc::not_found : Errc::unavailable,
                    "shim at " + shim_dir + " is not answering: " + std::strerror(err));
    }
    write_message(fd.get(), request);
    pollfd p{fd.get(), POLLIN, 0};
    if (::poll(&p, 1, timeout_ms) <= 0) throw Error(Errc::unavailable, "shim at " + shim_dir + " did not answer");
    auto reply = read_message(fd.get());
    if (!reply) throw Error(Errc::unavailable, "shim at " + shim_dir + " closed the connection");
    if (!reply->value("ok", false)) {
        throw Error(errc_from_name(reply->value("code", "internal")), reply->value("error", "shim request failed"));
    }
    if (stream) *stream = fd.release();
    return *reply;
}

}  // namespace berth::shim
