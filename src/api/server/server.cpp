#include "api/server/server.hpp"

#include <algorithm>

#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <unistd.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <future>

#include "api/server/unix_socket.hpp"
#include "common/error.hpp"

namespace berth::api {

namespace asio = boost::asio;

class Server::Listener {
  public:
    virtual ~Listener() = default;
    virtual void accept() = 0;
    virtual void close() = 0;
    virtual asio::any_io_executor executor() = 0;
};

namespace {
// The acceptor lives on a strand (accept completions and close() never overlap); accepted
// sockets get the plain io_context executor, so sessions do not serialize on that strand
// (TLS sockets get a strand of their own: their handshake has a timer and a socket wait).
template <class Socket, class Acceptor, class Start>
void accept_loop(Acceptor& acceptor, asio::io_context& io, bool own_strand, Start start) {
    auto on_accept = [&acceptor, &io, own_strand, start](boost::system::error_code ec,
                                                         Socket socket) {
        if (ec == asio::error::operation_aborted || !acceptor.is_open()) return;
        if (ec) {
            // EMFILE and friends: log and keep accepting rather than go deaf, after a pause (as
            // Go's http.Server does) so descriptors can come free instead of the loop spinning
            // on the same pending connection.
            spdlog::warn("accept: {}", ec.message());
            auto pause = std::make_shared<asio::steady_timer>(acceptor.get_executor(),
                                                              std::chrono::milliseconds(50));
            pause->async_wait([&acceptor, &io, own_strand, start, pause](boost::system::error_code e) {
                if (e || !acceptor.is_open()) return;
                accept_loop<Socket>(acceptor, io, own_strand, start);
            });
            return;
        }
        try {
            start(std::move(socket));
        } catch (const std::exception& e) {
            spdlog::warn("connection not served: {}", e.what());  // that one client's loss only
        }
        accept_loop<Socket>(acceptor, io, own_strand, start);
    };
    if (own_strand)
        acceptor.async_accept(asio::any_io_executor(asio::make_strand(io)), std::move(on_accept));
    else
        acceptor.async_accept(io.get_executor(), std::move(on_accept));
}
}  // namespace

class Server::UnixListener final : public Server::Listener {
  public:
    UnixListener(asio::io_context& io, std::string path, SessionHost host, int gid)
        : io_(io), acceptor_(asio::make_strand(io)), path_(std::move(path)), host_(host) {
        prepare_unix_socket_path(path_);
        using proto = asio::local::stream_protocol;
        acceptor_.open(proto());
        acceptor_.bind(proto::endpoint(path_));
        // Mode before listen(): until then connects are refused, so nobody slips in through
        // the umask's wider mode.
        if (::chmod(path_.c_str(), 0660) != 0) throw_errno("chmod " + path_);
        if (gid >= 0 &&
            ::chown(path_.c_str(), static_cast<uid_t>(-1), static_cast<gid_t>(gid)) != 0)
            throw_errno("chown " + path_ + " to group " + std::to_string(gid));
        acceptor_.listen(asio::socket_base::max_listen_connections);
        st_ino_ = inode();
    }
    void accept() override {
        using Socket = asio::local::stream_protocol::socket;
        accept_loop<Socket>(acceptor_, io_, false, [host = host_](Socket socket) {
            start_session(host, std::move(socket));
        });
    }
    asio::any_io_executor executor() override { return acceptor_.get_executor(); }
    void close() override {
        boost::system::error_code ec;
        acceptor_.close(ec);
        // Remove the file only if it is still ours (not replaced by a newer daemon).
        if (st_ino_ != 0 && inode() == st_ino_) ::unlink(path_.c_str());
    }

  private:
    ino_t inode() const {
        struct stat st {};
        return ::lstat(path_.c_str(), &st) == 0 ? st.st_ino : 0;
    }
    asio::io_context& io_;
    asio::local::stream_protocol::acceptor acceptor_;
    std::string path_;
    SessionHost host_;
    ino_t st_ino_ = 0;
};

class Server::TcpListener final : public Server::Listener {
  public:
    // With tls, every connection starts with a TLS handshake; without, it is plain HTTP.
    TcpListener(asio::io_context& io, const ListenAddress& a, SessionHost host,
                std::shared_ptr<const TlsContext> tls)
        : io_(io), acceptor_(asio::make_strand(io)), host_(host), tls_(std::move(tls)) {
        boost::system::error_code ec;
        auto addr = asio::ip::make_address(a.host, ec);
        if (ec)
            throw Error(Errc::invalid_argument, "invalid host \"" + a.text + "\": " + ec.message());
        asio::ip::tcp::endpoint ep(addr, a.port);
        acceptor_.open(ep.protocol());
        acceptor_.set_option(asio::socket_base::reuse_address(true));
        acceptor_.bind(ep, ec);
        if (ec) throw Error(Errc::conflict, "cannot listen on " + a.text + ": " + ec.message());
        acceptor_.listen(asio::socket_base::max_listen_connections);
    }
    void accept() override {
        using Socket = asio::ip::tcp::socket;
        if (tls_) {
            accept_loop<Socket>(acceptor_, io_, true, [host = host_, tls = tls_](Socket socket) {
                start_tls_session(host, std::move(socket), *tls);
            });
        } else {
            accept_loop<Socket>(acceptor_, io_, false, [host = host_](Socket socket) {
                start_session(host, std::move(socket));
            });
        }
    }
    asio::any_io_executor executor() override { return acceptor_.get_executor(); }
    void close() override {
        boost::system::error_code ec;
        acceptor_.close(ec);
    }

  private:
    asio::io_context& io_;
    asio::ip::tcp::acceptor acceptor_;
    SessionHost host_;
    std::shared_ptr<const TlsContext> tls_;
};

Server::Server(const Mux& mux, ServerOptions options) : mux_(mux), options_(options) {}

Server::~Server() {
    stop();
}

void Server::listen(const ListenAddress& address) {
    SessionHost host{&mux_, &workers_, &live_, options_.tls_handshake_timeout};
    try {
        if (address.kind == ListenAddress::Kind::unix_socket) {
            listeners_.push_back(
                std::make_unique<UnixListener>(io_, address.path, host, options_.socket_gid));
        } else if (options_.tls) {
            if (!options_.tls->verifies_clients())
                spdlog::warn(
                    "listening on {} with TLS but without --tlsverify: anyone who can "
                    "reach it controls this host",
                    address.text);
            listeners_.push_back(std::make_unique<TcpListener>(io_, address, host, options_.tls));
        } else {
            if (!options_.allow_insecure_tcp) {
                throw Error(Errc::invalid_argument,
                            "refusing to listen on " + address.text +
                                " without TLS: anyone reaching the port gets root on this host. "
                                "Pass --tlsverify with --tlscacert, --tlscert and --tlskey to "
                                "require client certificates, or --tls=false to listen without "
                                "TLS anyway");
            }
            spdlog::warn("listening on {} WITHOUT TLS: anyone who can reach it controls this host",
                         address.text);
            listeners_.push_back(std::make_unique<TcpListener>(io_, address, host, nullptr));
        }
    } catch (const boost::system::system_error& e) {
        throw Error(Errc::unavailable,
                    "cannot listen on " + address.text + ": " + e.code().message());
    }
    spdlog::info("API listening on {}{}", address.text,
                 address.kind == ListenAddress::Kind::tcp && options_.tls ? " (TLS)" : "");
}

void Server::start() {
    for (auto& l : listeners_) l->accept();
    for (size_t i = 0; i < std::max<size_t>(1, options_.io_threads); ++i) {
        threads_.emplace_back([this] {
            auto guard = asio::make_work_guard(io_);
            io_.run();
        });
    }
}

bool Server::stop(std::chrono::milliseconds drain_timeout) {
    if (stopped_) return true;
    stopped_ = true;
    // An acceptor is not thread-safe: close it on its strand while the io threads run.
    for (auto& l : listeners_) {
        if (threads_.empty()) {
            l->close();
            continue;
        }
        std::promise<void> closed;
        asio::post(l->executor(), [&] {
            l->close();
            closed.set_value();
        });
        closed.get_future().wait();
    }
    // Streams the caller has just ended (events, logs -f) are still writing their last chunk:
    // give running handlers a moment to finish cleanly before cutting the sockets, or clients
    // see a chunked body cut short (curl: "transfer closed with outstanding read data").
    auto grace = std::min<std::chrono::milliseconds>(drain_timeout, std::chrono::seconds(1));
    bool drained = workers_.drain(grace);
    live_.shutdown_all();
    if (!drained) drained = workers_.drain(drain_timeout - grace);
    if (!drained)
        spdlog::warn("some API handlers did not finish within {} ms", drain_timeout.count());
    io_.stop();
    for (auto& t : threads_) t.join();
    threads_.clear();
    return drained;
}

}  // namespace berth::api
