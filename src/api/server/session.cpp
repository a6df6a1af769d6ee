#include "api/server/session.hpp"

#include <spdlog/spdlog.h>
#include <sys/socket.h>

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <atomic>
#include <chrono>
#include <optional>

#include "api/server/response_writer.hpp"
#include "api/server/socket_io.hpp"
#include "api/server/tls_socket.hpp"

namespace berth::api {

namespace http = boost::beast::http;

void LiveSockets::add(int fd) {
    std::lock_guard lock(mu_);
    fds_.insert(fd);
}
void LiveSockets::remove(int fd) {
    std::lock_guard lock(mu_);
    fds_.erase(fd);
}
void LiveSockets::shutdown_all() {
    std::lock_guard lock(mu_);
    for (int fd : fds_) ::shutdown(fd, SHUT_RDWR);
}
size_t LiveSockets::size() const {
    std::lock_guard lock(mu_);
    return fds_.size();
}

namespace {

// Request heads carry filters and labels in the query; 1 MiB is generous and still bounded.
constexpr uint32_t kHeaderLimit = 1u << 20;
// An unread request body up to this size is discarded to keep the connection; a larger one
// closes it instead.
constexpr size_t kDrainLimit = 1u << 20;
// How long a connection may take to send a request head, counted from when the server starts
// waiting for it (so it bounds idle keep-alive connections too). Each connection holds a
// descriptor: without a bound, ~1,100 clients that never finish their headers took all of
// them. Go's servers have ReadHeaderTimeout for this (dockerd sets 5 minutes, the gosec
// "Slowloris" advice); 30 s is far more than any client needs to send one head, which real
// ones write at once, and short enough that idle or stalled ones are let go in time.
constexpr std::chrono::seconds kHeaderTimeout{30};

// What Go's net/http server answers a request head it cannot take (dockerd's server): 431 for
// a head past the limit, 400 for a malformed one (a bad Content-Length among them), then it
// closes. Empty for errors that are the connection's end, not the request's fault.
std::string malformed_request_reply(const boost::beast::error_code& ec) {
    constexpr const char* kHeaders = "\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n";
    auto reply = [&](const std::string& status) { return "HTTP/1.1 " + status + kHeaders + status; };
    if (ec == http::error::header_limit) return reply("431 Request Header Fields Too Large");
    for (auto e : {http::error::bad_line_ending, http::error::bad_method, http::error::bad_target,
                   http::error::bad_version, http::error::bad_field, http::error::bad_value,
                   http::error::bad_content_length, http::error::bad_transfer_encoding,
                   http::error::bad_obs_fold}) {
        if (ec == e) return reply("400 Bad Request");
    }
    return "";
}

// The blocking I/O a worker uses on the connection: straight on the fd for plain sockets.
template <class Socket>
struct IoFor {
    using type = FdIo;
    static FdIo make(Socket& s) { return FdIo{s.native_handle()}; }
};
template <>
struct IoFor<TlsSocket> {
    using type = TlsIo;
    static TlsIo make(TlsSocket& s) { return TlsIo{&s}; }
};

template <class Socket>
class Session final : public Connection, public std::enable_shared_from_this<Session<Socket>> {
  public:
    using Io = typename IoFor<Socket>::type;

    template <class... SocketArgs>
    explicit Session(SessionHost host, SocketArgs&&... socket_args)
        : host_(host),
          socket_(std::forward<SocketArgs>(socket_args)...),
          fd_(socket_.native_handle()),
          io_(IoFor<Socket>::make(socket_)),
          head_timer_(socket_.get_executor()) {
        host_.live->add(fd_);
    }
    ~Session() override {
        // Unregister before the socket closes so shutdown_all never touches a reused fd.
        host_.live->remove(fd_);
    }

    void start() {
        if constexpr (std::is_same_v<Socket, TlsSocket>) {
            // On the connection's strand, bounded in time: a client that never finishes its
            // handshake holds nothing but its own socket.
            socket_.async_handshake(host_.tls_handshake_timeout, [self = this->shared_from_this()](
                                                                     const std::string& error) {
                if (error.empty()) return self->read_next();
                spdlog::warn("TLS handshake with {} failed: {}", self->socket_.peer(), error);
                self->close({});
            });
        } else {
            read_next();
        }
    }

    void read_next() {
        parser_.emplace();
        parser_->header_limit(kHeaderLimit);
        parser_->body_limit(std::numeric_limits<std::uint64_t>::max());
        continue_sent_ = false;
        // The read and the timer race for reading_head_: whichever takes it acts. The timer
        // holds the session weakly, so a closed connection's descriptor is not kept for it.
        uint64_t gen = ++head_generation_;
        reading_head_.store(gen);
        head_timer_.expires_after(kHeaderTimeout);
        head_timer_.async_wait([weak = this->weak_from_this(), gen](boost::system::error_code ec) {
            auto self = weak.lock();
            if (ec || !self) return;
            uint64_t expected = gen;
            // shutdown(2) ends the pending read (it completes with an error and closes).
            if (self->reading_head_.compare_exchange_strong(expected, 0)) ::shutdown(self->fd_, SHUT_RDWR);
        });
        http::async_read_header(
            socket_, buffer_, *parser_,
            [self = this->shared_from_this(), gen](boost::beast::error_code ec, size_t) {
                uint64_t expected = gen;
                if (!self->reading_head_.compare_exchange_strong(expected, 0)) {
                    return self->close(boost::asio::error::timed_out);
                }
                if (ec) {
                    std::string reply = malformed_request_reply(ec);
                    if (reply.empty()) return self->close(ec);
                    // Written by a worker: the I/O there may block, the event loop must not.
                    return self->host_.workers->submit([self, reply] {
                        try {
                            self->io_.write_all(reply);
                        } catch (const std::exception&) {
                        }
                        self->close({});
                    });
                }
                self->host_.workers->submit([self] { self->handle(); });
            });
    }

    size_t read_body(char* buf, size_t n) override {
        if (parser_->is_done()) return 0;
        send_continue();
        while (!parser_->is_done()) {
            auto& body = parser_->get().body();
            body.data = buf;
            body.size = n;
            boost::beast::error_code ec;
            http::read_some(socket_, buffer_, *parser_, ec);
            if (ec == http::error::need_buffer) ec = {};
            if (ec)
                throw Error(Errc::invalid_argument, "reading the request body: " + ec.message());
            if (size_t got = n - body.size) return got;
        }
        return 0;
    }

    ResponseStream& start_stream(int status, const HeaderList& headers) override {
        stream_ = std::make_unique<ChunkedWriter<Io>>(io_, parser_->get().version() >= 11);
        stream_->start(status, headers);
        return *stream_;
    }

    std::unique_ptr<RawStream> hijack(std::string_view head) override {
        drain_body(std::numeric_limits<size_t>::max());
        io_.write_all(head);
        auto leftover = boost::beast::buffers_to_string(buffer_.data());
        buffer_.consume(buffer_.size());
        return std::make_unique<HijackedSocket<Io>>(io_, std::move(leftover),
                                                    this->shared_from_this());
    }

  private:
    void close(boost::beast::error_code ec) {
        if (ec && ec != http::error::end_of_stream && ec != boost::asio::error::eof &&
            ec != boost::asio::error::operation_aborted &&
            ec != boost::asio::error::connection_reset) {
            spdlog::debug("connection closed: {}", ec.message());
        }
        boost::system::error_code ignored;
        socket_.shutdown(Socket::shutdown_both, ignored);
    }

    void send_continue() {
        if (continue_sent_) return;
        continue_sent_ = true;
        auto& req = parser_->get();
        auto expect = req[http::field::expect];
        if (expect.size() == 12 && strncasecmp(expect.data(), "100-continue", 12) == 0)
            io_.write_all("HTTP/1.1 100 Continue\r\n\r\n");
    }

    // Reads and discards the rest of the body; false if it was longer than limit or broken.
    bool drain_body(size_t limit) {
        char buf[8192];
        size_t total = 0;
        try {
            if (parser_->is_done()) return true;
            // A client waiting for "100 Continue" has not sent the body: nothing to drain.
            if (!continue_sent_ && parser_->get()[http::field::expect].size() > 0) return false;
            while (size_t n = read_body(buf, sizeof buf)) {
                total += n;
                if (total > limit) return false;
            }
            return true;
        } catch (const std::exception&) {
            return false;
        }
    }

    void handle() {
        auto start = std::chrono::steady_clock::now();
        auto& req = parser_->get();
        HeaderList headers;
        for (const auto& field : req)
            headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
        bool keep_alive = req.keep_alive();
        bool head_request = req.method() == http::verb::head;
        Context ctx(std::string(req.method_string()), std::string(req.target()), std::move(headers),
                    this);
        Response res = host_.mux->dispatch(ctx);
        auto ms =
            std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start);
        if (ctx.hijacked()) {
            spdlog::debug("{} {} hijacked ({:.1f} ms)", ctx.method(), ctx.target(), ms.count());
            return;  // the RawStream owns the connection now
        }
        bool ok = true;
        if (ctx.streamed()) {
            if (res.status >= 400)
                spdlog::warn("{} {}: stream ended: {}", ctx.method(), ctx.target(), res.body);
            ok = stream_->finish_if_open() && stream_->chunked();
            stream_.reset();
        } else {
            if (!drain_body(kDrainLimit)) keep_alive = false;
            try {
                io_.write_all(serialize(res, keep_alive, head_request));
            } catch (const std::exception&) {
                ok = false;
            }
        }
        spdlog::debug("{} {} {} ({:.1f} ms)", ctx.method(), ctx.target(), res.status, ms.count());
        if (ok && keep_alive) {
            boost::asio::post(socket_.get_executor(),
                              [self = this->shared_from_this()] { self->read_next(); });
        } else {
            close({});
        }
    }

    SessionHost host_;
    Socket socket_;
    int fd_;
    Io io_;
    boost::beast::flat_buffer buffer_;
    std::optional<http::request_parser<http::buffer_body>> parser_;
    std::unique_ptr<ChunkedWriter<Io>> stream_;
    bool continue_sent_ = false;
    boost::asio::steady_timer head_timer_;
    uint64_t head_generation_ = 0;
    std::atomic<uint64_t> reading_head_{0};  // the generation whose head is awaited; 0: none
};

}  // namespace

template <class Socket>
void start_session(SessionHost host, Socket socket) {
    std::make_shared<Session<Socket>>(host, std::move(socket))->start();
}

void start_tls_session(SessionHost host, boost::asio::ip::tcp::socket socket,
                       const TlsContext& tls) {
    std::make_shared<Session<TlsSocket>>(host, std::move(socket), tls)->start();
}

template void start_session(SessionHost, boost::asio::local::stream_protocol::socket);
template void start_session(SessionHost, boost::asio::ip::tcp::socket);

}  // namespace berth::api
