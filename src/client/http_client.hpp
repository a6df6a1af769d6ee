#pragma once
// A blocking HTTP/1.1 client over one kept-alive connection: whole responses, streamed bodies
// handed to a callback as they arrive, and hijacked connections (101 Switching Protocols) that
// the caller then owns as a raw two-way stream. Not thread-safe: one HttpClient per thread.
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "client/connection.hpp"
#include "client/host.hpp"
#include "client/http_message.hpp"

namespace berth::client {

struct Response {
    ResponseHead head;
    std::string body;
};

// Receives a streamed body piece by piece; returning false stops reading (and drops the
// connection, as the rest of the stream is not wanted).
using BodySink = std::function<bool(std::string_view)>;

class HttpClient {
  public:
    explicit HttpClient(Host host) : host_(std::move(host)) {}

    const Host& host() const { return host_; }

    Response send(const Request& request);

    // Sends the request and streams a successful (< 400) body to `sink`; an error body is
    // collected into `error_body` instead, for the caller's error message.
    ResponseHead stream(const Request& request, const BodySink& sink, std::string& error_body,
                        const std::function<void(const ResponseHead&)>& on_head = nullptr);

    // Sends an upgrade request and returns the connection once the daemon answered 101 (or 200,
    // as old daemons do); bytes after the head stay buffered in the connection. On an error
    // status the body is read into `error_body` and nullptr is returned.
    std::unique_ptr<Connection> hijack(const Request& request, ResponseHead& head,
                                       std::string& error_body);

  private:
    // Writes the request on a reused or new connection and reads the response head; retries
    // once on a fresh connection when a reused one turns out to have been closed by the daemon.
    std::unique_ptr<Connection> exchange(const Request& request, ResponseHead& head);
    void write_request(Connection& conn, const Request& request);
    // Reads the body per the head's framing; returns whether the connection may be reused.
    bool read_body(Connection& conn, const Request& request, const ResponseHead& head,
                   const BodySink& sink);

    Host host_;
    std::unique_ptr<Connection> idle_;
};

// Reads a response head (status line and headers) from the connection; false at a clean EOF
// before the first byte.
bool read_response_head(Connection& conn, ResponseHead& head);

}  // namespace berth::client
