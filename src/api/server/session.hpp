#pragma once
// One HTTP/1.1 connection: asio reads each request head without a thread; the handler runs
// on a worker thread that then owns the socket until the response is written (so it may block
// or stream), and hands it back to asio for the next keep-alive request.
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/local/stream_protocol.hpp>
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
};

template <class Socket>
void start_session(SessionHost host, Socket socket);

extern template void start_session(SessionHost, boost::asio::local::stream_protocol::socket);
extern template void start_session(SessionHost, boost::asio::ip::tcp::socket);

}  // namespace berth::api
