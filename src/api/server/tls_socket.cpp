#include "api/server/tls_socket.hpp"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <poll.h>
#include <sys/socket.h>

#include <boost/asio/steady_timer.hpp>
#include <cerrno>
#include <climits>
#include <cstring>

#include "api/server/socket_io.hpp"
#include "common/error.hpp"
#include "common/openssl_api.hpp"

namespace berth::api {

namespace asio = boost::asio;

namespace {

void wait_fd(int fd, short events) {
    pollfd p{fd, events, 0};
    while (::poll(&p, 1, -1) < 0 && errno == EINTR) {
    }
}

int clamp(size_t n) {
    return static_cast<int>(std::min<size_t>(n, INT_MAX));
}

// Go's net/http answer to plain HTTP on a TLS port: the docker CLI shows its body.
constexpr std::string_view kPlainHttpAnswer =
    "HTTP/1.0 400 Bad Request\r\n\r\nClient sent an HTTP request to an HTTPS server.\n";

void answer_plain_http(int fd) {
    (void)::send(fd, kPlainHttpAnswer.data(), kPlainHttpAnswer.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
}

// How long a refused client gets to read why before its socket is closed.
constexpr std::chrono::milliseconds kLinger{500};

}  // namespace

TlsSocket::TlsSocket(asio::ip::tcp::socket socket, const TlsContext& context)
    : socket_(std::move(socket)) {
    // SSL calls must return WANT_READ/WANT_WRITE rather than block: a blocked SSL_read would
    // hold the lock the writer needs.
    socket_.non_blocking(true);
    boost::system::error_code ignored;
    socket_.set_option(asio::ip::tcp::no_delay(true), ignored);
    ssl_ = context.new_connection(socket_.native_handle());
}

TlsSocket::~TlsSocket() {
    openssl().SSL_free(ssl_);
}

std::string TlsSocket::peer() {
    if (peer_.empty()) {
        // Asked for at the start: once the client is gone, the address is too.
        boost::system::error_code ec;
        auto ep = socket_.remote_endpoint(ec);
        peer_ = ec ? "a client" : ep.address().to_string() + ":" + std::to_string(ep.port());
    }
    return peer_;
}

struct TlsSocket::Handshake : std::enable_shared_from_this<Handshake> {
    Handshake(TlsSocket& s, std::function<void(const std::string&)> done)
        : s(s), timer(s.socket_.get_executor()), done(std::move(done)) {}

    void start(std::chrono::milliseconds timeout) {
        arm(timeout, true);
        step();
    }

    // When the timer fires, the pending socket wait ends with an error, and so the step.
    void arm(std::chrono::milliseconds after, bool is_handshake_timeout) {
        timer.expires_after(after);
        timer.async_wait(
            [self = shared_from_this(), after, is_handshake_timeout](boost::system::error_code ec) {
                if (ec || self->finished) return;
                if (is_handshake_timeout) self->timeout_ms = after.count();
                boost::system::error_code ignored;
                self->s.socket_.cancel(ignored);
            });
    }

    void step() {
        int err = SSL_ERROR_NONE, saved_errno = 0;
        std::string why;
        bool plain_http = false;
        {
            std::lock_guard lock(s.mu_);
            openssl().ERR_clear_error();
            int r = openssl().SSL_accept(s.ssl_);
            if (r == 1) s.handshake_done_ = true;
            if (r != 1) {
                err = openssl().SSL_get_error(s.ssl_, r);
                saved_errno = errno;
                if (err == SSL_ERROR_SSL) {
                    int reason = ERR_GET_REASON(openssl().ERR_peek_last_error());
                    plain_http =
                        reason == SSL_R_HTTP_REQUEST || reason == SSL_R_HTTPS_PROXY_REQUEST;
                    why = last_ssl_error("protocol error");
                    long verify = openssl().SSL_get_verify_result(s.ssl_);
                    if (verify != X509_V_OK)
                        why += std::string(" (") + openssl().X509_verify_cert_error_string(verify) +
                               ")";
                }
            }
        }
        switch (err) {
            case SSL_ERROR_NONE:
                return finish("");
            case SSL_ERROR_WANT_READ:
            case SSL_ERROR_WANT_WRITE:
                s.socket_.async_wait(err == SSL_ERROR_WANT_READ ? asio::socket_base::wait_read
                                                                : asio::socket_base::wait_write,
                                     [self = shared_from_this()](boost::system::error_code ec) {
                                         if (!ec) return self->step();
                                         self->finish(self->timeout_ms > 0
                                                          ? "no handshake within " +
                                                                std::to_string(self->timeout_ms) +
                                                                " ms"
                                                          : ec.message());
                                     });
                return;
            case SSL_ERROR_SSL:
                if (plain_http) {
                    answer_plain_http(s.native_handle());
                    why = "client sent plain HTTP";
                }
                return linger(why);
            default:
                return finish(saved_errno != 0 ? std::strerror(saved_errno)
                                               : "client closed the connection");
        }
    }

    // The alert (or the 400) is on its way, but the client may have sent more already (with
    // TLS 1.3 its request follows its certificate at once): closing a socket with unread input
    // resets the connection, and the reset can overtake the alert, leaving the client with
    // "connection reset" instead of the reason. So: end our side, read and drop what comes
    // until the client closes, for at most kLinger, then close.
    void linger(const std::string& why) {
        ::shutdown(s.native_handle(), SHUT_WR);
        failure = why;
        timer.cancel();
        arm(kLinger, false);
        drain();
    }

    void drain() {
        s.socket_.async_wait(asio::socket_base::wait_read, [self = shared_from_this()](
                                                               boost::system::error_code ec) {
            char sink[4096];
            ssize_t n = ec ? 0 : ::recv(self->s.native_handle(), sink, sizeof sink, MSG_DONTWAIT);
            if (n > 0 || (n < 0 && errno == EAGAIN)) return self->drain();
            self->finish(self->failure);
        });
    }

    void finish(const std::string& why) {
        finished = true;
        timer.cancel();
        done(why);
        done = nullptr;  // releases the session it holds
    }

    TlsSocket& s;
    asio::steady_timer timer;
    std::function<void(const std::string&)> done;
    bool finished = false;
    long timeout_ms = 0;
    std::string failure;
};

void TlsSocket::async_handshake(std::chrono::milliseconds timeout,
                                std::function<void(const std::string& error)> done) {
    peer();
    std::make_shared<Handshake>(*this, std::move(done))->start(timeout);
}

TlsSocket::Want TlsSocket::read_nonblocking(char* buf, size_t n, size_t& got,
                                            boost::system::error_code& ec) {
    std::lock_guard lock(mu_);
    for (;;) {
        openssl().ERR_clear_error();
        int r = openssl().SSL_read(ssl_, buf, clamp(n));
        if (r > 0) {
            got = static_cast<size_t>(r);
            return Want::nothing;
        }
        int err = openssl().SSL_get_error(ssl_, r);
        int saved_errno = errno;
        switch (err) {
            case SSL_ERROR_WANT_READ:
                return Want::read;
            case SSL_ERROR_WANT_WRITE:
                return Want::write;
            case SSL_ERROR_ZERO_RETURN:  // close_notify, or a bare close (IGNORE_UNEXPECTED_EOF)
                ec = asio::error::eof;
                return Want::nothing;
            case SSL_ERROR_SYSCALL:
                if (saved_errno == EINTR) continue;
                if (saved_errno == 0 || saved_errno == ECONNRESET || saved_errno == EPIPE ||
                    saved_errno == ENOTCONN)
                    ec = asio::error::eof;
                else
                    ec = boost::system::error_code(saved_errno, boost::system::system_category());
                return Want::nothing;
            default: {
                read_error_ = last_ssl_error("TLS protocol error");
                ec = boost::system::errc::make_error_code(boost::system::errc::protocol_error);
                return Want::nothing;
            }
        }
    }
}

size_t TlsSocket::read_blocking(char* buf, size_t n) {
    if (n == 0) return 0;
    for (;;) {
        size_t got = 0;
        boost::system::error_code ec;
        Want want = read_nonblocking(buf, n, got, ec);
        if (want == Want::read) {
            wait_fd(native_handle(), POLLIN);
        } else if (want == Want::write) {
            wait_fd(native_handle(), POLLOUT);
        } else if (got > 0 || !ec || ec == asio::error::eof) {
            return got;
        } else {
            std::string why = ec.message();
            if (ec == boost::system::errc::protocol_error) {
                std::lock_guard lock(mu_);
                why = read_error_;
            }
            throw Error(Errc::unavailable, "reading from the client: " + why);
        }
    }
}

void TlsSocket::write_all(std::string_view data) {
    while (!data.empty()) {
        int r, err = SSL_ERROR_NONE, saved_errno = 0;
        std::string why;
        {
            std::lock_guard lock(mu_);
            openssl().ERR_clear_error();
            r = openssl().SSL_write(ssl_, data.data(), clamp(data.size()));
            if (r <= 0) {
                err = openssl().SSL_get_error(ssl_, r);
                saved_errno = errno;
                if (err == SSL_ERROR_SSL) why = last_ssl_error("TLS error");
            }
        }
        if (r > 0) {
            data.remove_prefix(static_cast<size_t>(r));
        } else if (err == SSL_ERROR_WANT_WRITE) {
            wait_fd(native_handle(), POLLOUT);
        } else if (err == SSL_ERROR_WANT_READ) {
            wait_fd(native_handle(), POLLIN);
        } else if (err == SSL_ERROR_SYSCALL && saved_errno == EINTR) {
            continue;
        } else {
            if (why.empty()) why = std::strerror(saved_errno != 0 ? saved_errno : EPIPE);
            throw Error(Errc::unavailable, "client closed the connection: " + why);
        }
    }
}

void TlsSocket::send_close_notify(bool wait) {
    for (;;) {
        int err;
        {
            std::lock_guard lock(mu_);
            if (!handshake_done_ || close_notify_sent_) return;
            openssl().ERR_clear_error();
            int r = openssl().SSL_shutdown(ssl_);
            if (r >= 0) {  // 0: sent, the peer's has not come; 1: both done
                close_notify_sent_ = true;
                return;
            }
            err = openssl().SSL_get_error(ssl_, r);
            openssl().ERR_clear_error();
        }
        if (!wait || err != SSL_ERROR_WANT_WRITE) return;
        wait_fd(native_handle(), POLLOUT);
    }
}

void TlsSocket::close_write() {
    send_close_notify(true);
    ::shutdown(native_handle(), SHUT_WR);
}

void TlsSocket::shutdown(asio::socket_base::shutdown_type type, boost::system::error_code& ec) {
    send_close_notify(false);
    socket_.shutdown(type, ec);
}

bool TlsIo::peer_closed(int timeout_ms) const {
    return wait_peer_closed(socket->native_handle(), timeout_ms);
}

}  // namespace berth::api
