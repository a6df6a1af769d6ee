#pragma once
// A tcp connection with TLS on top, made to fit the session the way the plain sockets do:
// asio drives the handshake and reads request heads without a thread (async_* below), and the
// worker thread that owns a request does blocking reads and writes (read_blocking,
// write_all). OpenSSL works on the socket fd directly, not through asio::ssl::stream: the
// hijacked stream of an attach is read by one thread while another writes, which a stream
// whose engine sits behind asio's operations cannot do without a thread hop per write, and
// its shutdown waits for the peer's close_notify, which a half-closed attach never sends.
// One mutex serialises the SSL calls; nobody holds it while waiting for the socket.
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "api/server/tls_context.hpp"

namespace berth::api {

class TlsSocket {
  public:
    using executor_type = boost::asio::ip::tcp::socket::executor_type;
    static constexpr auto shutdown_both = boost::asio::socket_base::shutdown_both;

    // socket should be on a strand: the handshake's timer and socket waits share it.
    TlsSocket(boost::asio::ip::tcp::socket socket, const TlsContext& context);
    ~TlsSocket();
    TlsSocket(const TlsSocket&) = delete;
    TlsSocket& operator=(const TlsSocket&) = delete;

    executor_type get_executor() { return socket_.get_executor(); }
    int native_handle() { return socket_.native_handle(); }
    // "127.0.0.1:40312", for messages.
    std::string peer();

    // Completes the server handshake without blocking a thread; `done` gets "" on success or
    // why it failed (a timeout, a missing or untrusted client certificate, plain HTTP...).
    // A client that sent plain HTTP gets Go's "400 Client sent an HTTP request to an HTTPS
    // server." so the docker CLI and curl show something a person understands.
    void async_handshake(std::chrono::milliseconds timeout,
                         std::function<void(const std::string& error)> done);

    // AsyncReadStream, for beast's async_read_header: data OpenSSL already decrypted is
    // delivered first, then the socket is waited on.
    template <class MutableBuffers, class Handler>
    void async_read_some(const MutableBuffers& buffers, Handler&& handler) {
        ReadOp<std::decay_t<Handler>>{this, *boost::asio::buffer_sequence_begin(buffers),
                                      std::forward<Handler>(handler)}();
    }

    // SyncReadStream, for beast's read of a request body on the worker thread.
    template <class MutableBuffers>
    size_t read_some(const MutableBuffers& buffers, boost::system::error_code& ec) {
        auto buffer = *boost::asio::buffer_sequence_begin(buffers);
        ec = {};
        if (buffer.size() == 0) return 0;
        size_t n = read_blocking(static_cast<char*>(buffer.data()), buffer.size());
        if (n == 0) ec = boost::asio::error::eof;
        return n;
    }
    template <class MutableBuffers>
    size_t read_some(const MutableBuffers& buffers) {
        boost::system::error_code ec;
        size_t n = read_some(buffers, ec);
        if (ec) throw boost::system::system_error(ec);
        return n;
    }

    // Blocking, safe to call from one reading and one writing thread at once. read_blocking
    // returns 0 at the end of the stream (close_notify, or a bare TCP close or half-close);
    // write_all throws unavailable when the client is gone.
    size_t read_blocking(char* buf, size_t n);
    void write_all(std::string_view data);
    // Sends close_notify (the client's TLS reads end cleanly) and half-closes the socket.
    void close_write();
    // close_notify if the handshake was done, then the socket is shut down both ways.
    void shutdown(boost::asio::socket_base::shutdown_type, boost::system::error_code& ec);

  private:
    struct Handshake;
    enum class Want { nothing, read, write };
    // One non-blocking SSL_read: got > 0, or got == 0 with ec (eof or an error), or what to
    // wait for before trying again.
    Want read_nonblocking(char* buf, size_t n, size_t& got, boost::system::error_code& ec);
    // Once, after a completed handshake; wait: retry while the socket buffer is full.
    void send_close_notify(bool wait);

    template <class Handler>
    struct ReadOp {
        TlsSocket* self;
        boost::asio::mutable_buffer buffer;
        Handler handler;
        void operator()(boost::system::error_code ec = {}) {
            size_t got = 0;
            if (!ec && buffer.size() > 0) {
                Want want = self->read_nonblocking(static_cast<char*>(buffer.data()), buffer.size(),
                                                   got, ec);
                if (want != Want::nothing) {
                    self->socket_.async_wait(want == Want::read
                                                 ? boost::asio::socket_base::wait_read
                                                 : boost::asio::socket_base::wait_write,
                                             std::move(*this));
                    return;
                }
            }
            // Never complete inside the initiating call (asio's rule): post.
            boost::asio::post(self->socket_.get_executor(),
                              boost::beast::bind_front_handler(std::move(handler), ec, got));
        }
    };

    boost::asio::ip::tcp::socket socket_;
    ssl_st* ssl_;
    std::mutex mu_;
    std::string peer_;
    std::string read_error_;  // OpenSSL's reason for the last failed read
    bool handshake_done_ = false;
    bool close_notify_sent_ = false;
};

// The blocking I/O the session's writers use, over a TLS connection (FdIo is the plain one).
struct TlsIo {
    TlsSocket* socket;
    void write_all(std::string_view data) const { socket->write_all(data); }
    size_t read_some(char* buf, size_t n) const { return socket->read_blocking(buf, n); }
    bool peer_closed(int timeout_ms) const;
    void close_write() const { socket->close_write(); }
    void close() const {
        boost::system::error_code ec;
        socket->shutdown(TlsSocket::shutdown_both, ec);
    }
    int native_handle() const { return socket->native_handle(); }
};

}  // namespace berth::api
