#pragma once
// berthd's API server: listeners on unix and tcp sockets, one io_context driven by a couple of
// threads for accepting and reading request heads, and a worker pool for handlers.
#include <boost/asio/io_context.hpp>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "api/mux.hpp"
#include "api/server/listen_address.hpp"
#include "api/server/session.hpp"
#include "api/server/tls_context.hpp"
#include "api/server/worker_pool.hpp"

namespace berth::api {

struct ServerOptions {
    size_t io_threads = 2;
    // Group of the unix sockets (berthd -G); -1 keeps the daemon's own.
    int socket_gid = -1;
    // TLS for every tcp listener (unix sockets never use it).
    std::shared_ptr<const TlsContext> tls;
    std::chrono::milliseconds tls_handshake_timeout = std::chrono::seconds(10);
    // A tcp listener without TLS serves anyone who can reach the port as root: allowed only
    // when the operator said so explicitly (--tls=false).
    bool allow_insecure_tcp = false;
};

class Server {
  public:
    Server(const Mux& mux, ServerOptions options = {});
    ~Server();
    Server(const Server&) = delete;
    Server& operator=(const Server&) = delete;

    // Binds now, so a busy socket or port fails startup with a clear error. A unix socket gets
    // mode 0660 (and options.socket_gid as its group) before it accepts anything.
    void listen(const ListenAddress& address);
    void start();
    // Stops accepting, closes listeners and removes their socket files, shuts down open
    // connections and waits up to drain_timeout for running handlers. Returns false if some
    // handler did not finish in time.
    bool stop(std::chrono::milliseconds drain_timeout = std::chrono::seconds(5));

    size_t open_connections() const { return live_.size(); }
    size_t worker_threads() const { return workers_.thread_count(); }

  private:
    class Listener;
    class UnixListener;
    class TcpListener;

    const Mux& mux_;
    ServerOptions options_;
    // Sessions still queued in io_ unregister from live_ when io_ destroys them: live_ (and
    // the pool) must outlive io_, so they are declared first.
    LiveSockets live_;
    WorkerPool workers_;
    boost::asio::io_context io_;
    std::vector<std::unique_ptr<Listener>> listeners_;
    std::vector<std::thread> threads_;
    bool stopped_ = false;
};

}  // namespace berth::api
