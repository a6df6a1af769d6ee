#include "client/connection.hpp"

#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <cerrno>
#include <cstring>

#include "client/errors.hpp"

namespace berth::client {

namespace {

UniqueFd connect_unix(const Host& host) {
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    if (host.path.size() >= sizeof addr.sun_path)
        throw Error(Errc::invalid_argument, "socket path too long: " + host.path);
    std::memcpy(addr.sun_path, host.path.data(), host.path.size());
    UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
    if (!fd) throw_errno("socket");
    if (::connect(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0)
        throw ConnectError(host.url, std::strerror(errno));
    return fd;
}

UniqueFd connect_tcp(const Host& host) {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* list = nullptr;
    std::string port = std::to_string(host.port);
    if (int rc = ::getaddrinfo(host.address.c_str(), port.c_str(), &hints, &list); rc != 0)
        throw ConnectError(host.url, ::gai_strerror(rc));
    std::string last_error = "no address";
    UniqueFd result;
    for (addrinfo* ai = list; ai != nullptr; ai = ai->ai_next) {
        UniqueFd fd(::socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol));
        if (!fd) continue;
        if (::connect(fd.get(), ai->ai_addr, ai->ai_addrlen) == 0) {
            int one = 1;  // requests are small and answered at once: no Nagle delay
            ::setsockopt(fd.get(), IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
            result = std::move(fd);
            break;
        }
        last_error = std::strerror(errno);
    }
    ::freeaddrinfo(list);
    if (!result) throw ConnectError(host.url, last_error);
    return result;
}

}  // namespace

std::unique_ptr<Connection> Connection::open(const Host& host) {
    if (host.kind == Host::Kind::unix_socket)
        return std::make_unique<Connection>(connect_unix(host));
    UniqueFd fd = connect_tcp(host);
    std::unique_ptr<TlsStream> tls;
    if (host.tls) tls = std::make_unique<TlsStream>(*host.tls, fd.get(), host.address, host.url);
    return std::make_unique<Connection>(std::move(fd), std::move(tls));
}

void Connection::write_all(std::string_view data) {
    if (tls_) return tls_->write_all(data);
    while (!data.empty()) {
        ssize_t n = ::send(fd_.get(), data.data(), data.size(), MSG_NOSIGNAL);
        if (n < 0) {
            if (errno == EINTR) continue;
            throw_errno("write to daemon");
        }
        data.remove_prefix(static_cast<size_t>(n));
    }
}

bool Connection::fill() {
    if (pos_ > 0 && pos_ == buf_.size()) {
        buf_.clear();
        pos_ = 0;
    }
    char chunk[16384];
    for (;;) {
        ssize_t n = tls_ ? static_cast<ssize_t>(tls_->read(chunk, sizeof chunk))
                         : ::recv(fd_.get(), chunk, sizeof chunk, 0);
        if (n < 0) {
            if (errno == EINTR) continue;
            if (errno == ECONNRESET) return false;
            throw_errno("read from daemon");
        }
        if (n == 0) return false;
        buf_.append(chunk, static_cast<size_t>(n));
        return true;
    }
}

size_t Connection::read_some(char* out, size_t size) {
    if (pos_ == buf_.size() && !fill()) return 0;
    size_t n = std::min(size, buf_.size() - pos_);
    std::memcpy(out, buf_.data() + pos_, n);
    pos_ += n;
    return n;
}

bool Connection::read_line(std::string& line, size_t limit) {
    line.clear();
    for (;;) {
        auto nl = buf_.find('\n', pos_);
        if (nl != std::string::npos) {
            line.assign(buf_, pos_, nl - pos_);
            pos_ = nl + 1;
            if (!line.empty() && line.back() == '\r') line.pop_back();
            return true;
        }
        if (buf_.size() - pos_ > limit) throw Error(Errc::internal, "daemon sent an overlong line");
        if (!fill()) {
            if (pos_ == buf_.size()) return false;
            line.assign(buf_, pos_);
            pos_ = buf_.size();
            return true;
        }
    }
}

void Connection::shutdown_write() {
    // Over TLS too a bare TCP half-close, as the docker CLI does: a close_notify would end
    // the daemon's side of the TLS session for good.
    ::shutdown(fd_.get(), SHUT_WR);
}

bool Connection::stale() const {
    if (readable_now()) return true;
    pollfd pfd{fd_.get(), POLLIN, 0};
    // Readable while idle means EOF (or junk): either way the connection cannot be reused.
    return ::poll(&pfd, 1, 0) != 0;
}

}  // namespace berth::client
