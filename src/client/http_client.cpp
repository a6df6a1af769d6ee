#include "client/http_client.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstdio>

#include "client/chunked_decoder.hpp"
#include "common/error.hpp"

namespace berth::client {

bool read_response_head(Connection& conn, ResponseHead& head) {
    std::string line;
    head = ResponseHead{};
    do {
        if (!conn.read_line(line)) return false;
        parse_status_line(line, head);
        head.headers.clear();
        for (;;) {
            if (!conn.read_line(line))
                throw Error(Errc::internal, "daemon closed the connection inside a response head");
            if (line.empty()) break;
            parse_header_line(line, head);
        }
        // 1xx other than 101 are interim answers (100 Continue): the real one follows.
    } while (head.status >= 100 && head.status < 200 && head.status != 101);
    return true;
}

void HttpClient::write_request(Connection& conn, const Request& request) {
    std::string head = serialize_head(request, host_.header_host());
    if (request.body_fd < 0) {
        head += request.body;
        conn.write_all(head);
        return;
    }
    conn.write_all(head);
    std::string chunk(64 * 1024, '\0');
    for (;;) {
        ssize_t n = ::read(request.body_fd, chunk.data(), chunk.size());
        if (n < 0) {
            if (errno == EINTR) continue;
            throw_errno("read request body");
        }
        if (n == 0) break;
        char size_line[32];
        int len = std::snprintf(size_line, sizeof size_line, "%zx\r\n", static_cast<size_t>(n));
        conn.write_all(std::string_view(size_line, static_cast<size_t>(len)));
        conn.write_all(std::string_view(chunk.data(), static_cast<size_t>(n)));
        conn.write_all("\r\n");
    }
    conn.write_all("0\r\n\r\n");
}

std::unique_ptr<Connection> HttpClient::exchange(const Request& request, ResponseHead& head) {
    std::unique_ptr<Connection> conn = std::move(idle_);
    bool reused = conn != nullptr && !conn->stale();
    if (!reused) conn = Connection::open(host_);
    try {
        write_request(*conn, request);
        if (read_response_head(*conn, head)) return conn;
        if (!reused)
            throw Error(Errc::unavailable, "the daemon closed the connection without answering");
    } catch (const Error& e) {
        // A streamed body cannot be replayed; a reused connection may just have timed out.
        if (!reused || request.body_fd >= 0) throw;
    }
    conn = Connection::open(host_);
    write_request(*conn, request);
    if (!read_response_head(*conn, head))
        throw Error(Errc::unavailable, "the daemon closed the connection without answering");
    return conn;
}

bool HttpClient::read_body(Connection& conn, const Request& request, const ResponseHead& head,
                           const BodySink& sink) {
    if (request.method == "HEAD" || head.status == 204 || head.status == 304)
        return head.keep_alive();
    char buf[65536];
    bool wanted = true;
    auto deliver = [&](std::string_view data) {
        if (wanted && !data.empty()) wanted = sink(data);
    };
    if (head.chunked()) {
        ChunkedDecoder decoder;
        while (!decoder.done() && wanted) {
            std::string_view pending = conn.buffered();
            if (pending.empty()) {
                size_t n = conn.read_some(buf, sizeof buf);
                if (n == 0)
                    throw Error(Errc::unavailable, "the daemon closed the connection mid-response");
                size_t used = decoder.feed(std::string_view(buf, n), deliver);
                if (used < n) return false;  // junk after the body: do not reuse
            } else {
                size_t used = decoder.feed(pending, deliver);
                conn.consume(used);
            }
        }
        return wanted && head.keep_alive();
    }
    if (auto length = head.content_length()) {
        size_t remaining = *length;
        while (remaining > 0 && wanted) {
            size_t n = conn.read_some(buf, std::min(remaining, sizeof buf));
            if (n == 0)
                throw Error(Errc::unavailable, "the daemon closed the connection mid-response");
            deliver(std::string_view(buf, n));
            remaining -= n;
        }
        return wanted && head.keep_alive();
    }
    // Neither length nor chunks: the body runs to the end of the connection.
    while (wanted) {
        size_t n = conn.read_some(buf, sizeof buf);
        if (n == 0) break;
        deliver(std::string_view(buf, n));
    }
    return false;
}

Response HttpClient::send(const Request& request) {
    Response response;
    auto conn = exchange(request, response.head);
    bool reusable = read_body(*conn, request, response.head, [&](std::string_view data) {
        response.body.append(data);
        return true;
    });
    if (reusable) idle_ = std::move(conn);
    return response;
}

ResponseHead HttpClient::stream(const Request& request, const BodySink& sink,
                                std::string& error_body,
                                const std::function<void(const ResponseHead&)>& on_head) {
    ResponseHead head;
    auto conn = exchange(request, head);
    if (on_head) on_head(head);
    bool reusable;
    if (head.status >= 400) {
        reusable = read_body(*conn, request, head, [&](std::string_view data) {
            error_body.append(data);
            return true;
        });
    } else {
        reusable = read_body(*conn, request, head, sink);
    }
    if (reusable) idle_ = std::move(conn);
    return head;
}

std::unique_ptr<Connection> HttpClient::hijack(const Request& request, ResponseHead& head,
                                               std::string& error_body) {
    auto conn = exchange(request, head);
    if (head.status == 101 || (head.status >= 200 && head.status < 300)) return conn;
    read_body(*conn, request, head, [&](std::string_view data) {
        error_body.append(data);
        return true;
    });
    return nullptr;
}

}  // namespace berth::client
