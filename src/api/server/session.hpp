#pragma once
// One HTTP/1.1 connection: asio reads each request head without a thread; the handler runs
// on a worker thread that then owns the socket until the response is written (so it may block
// or stream), and hands it back to asio for the next keep-alive request.
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <chrono>
#include <mutex>
#include <set>

#include "api/mux.hpp"
#include "api/server/worker_pool.hpp"

namespace berth::api {

// The sockets of open connections, so stop() can shut them down and unblock the handlers
// that read or write them.
class LiveSockets {
  public:
    void add(int fd);
    void remove(int fd);
    void shutdown_all();
    size_t size() const;

  private:
    mutable std::mutex mu_;
    std::set<int> fds_;
};

struct SessionHost {
    const Mux* mux;
    WorkerPool* workers;
    LiveSockets* live;
    // How long a TLS client may take to complete its handshake.
    std::chrono::milliseconds tls_handshake_timeout{10000};
};

template <class Socket>
void start_session(SessionHost host, Socket socket);

extern template void start_session(SessionHost, boost::asio::local::stream_protocol::socket);
extern template void start_session(SessionHost, boost::asio::ip::tcp::socket);

class TlsContext;
// A tcp connection that starts with a TLS handshake. socket should be on its own strand.
void start_tls_session(SessionHost host, boost::asio::ip::tcp::socket socket,
                       const TlsContext& tls);

}  // namespace berth::api
