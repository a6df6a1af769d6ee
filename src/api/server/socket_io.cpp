#include "api/server/socket_io.hpp"

#include <poll.h>
#include <sys/socket.h>

#include <cerrno>
#include <chrono>
#include <cstring>

#include "common/error.hpp"

namespace berth::api {

namespace {
[[noreturn]] void gone(int err) {
    throw Error(Errc::unavailable,
                std::string("client closed the connection: ") + std::strerror(err));
}
}  // namespace

void write_all_fd(int fd, std::string_view data) {
    while (!data.empty()) {
        ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
        if (n > 0) {
            data.remove_prefix(static_cast<size_t>(n));
            continue;
        }
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            pollfd p{fd, POLLOUT, 0};
            ::poll(&p, 1, -1);
            continue;
        }
        gone(n < 0 ? errno : EPIPE);
    }
}

size_t read_some_fd(int fd, char* buf, size_t n) {
    for (;;) {
        ssize_t got = ::recv(fd, buf, n, 0);
        if (got >= 0) return static_cast<size_t>(got);
        if (errno == EINTR) continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK) {
            pollfd p{fd, POLLIN | POLLRDHUP, 0};
            ::poll(&p, 1, -1);
            continue;
        }
        if (errno == ECONNRESET || errno == EPIPE || errno == ENOTCONN) return 0;
        gone(errno);
    }
}

bool wait_peer_closed(int fd, int timeout_ms) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    for (;;) {
        pollfd p{fd, POLLRDHUP, 0};
        int left = timeout_ms;
        if (timeout_ms > 0) {
            auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                          deadline - std::chrono::steady_clock::now())
                          .count();
            left = ms > 0 ? static_cast<int>(ms) : 0;
        }
        int r = ::poll(&p, 1, left);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) return false;
        return (p.revents & (POLLRDHUP | POLLHUP | POLLERR | POLLNVAL)) != 0;
    }
}

}  // namespace berth::api
