#include "api/server/response_writer.hpp"

#include <sys/socket.h>

#include <algorithm>
#include <boost/beast/http/status.hpp>
#include <cstring>

#include "api/server/socket_io.hpp"
#include "api/server/tls_socket.hpp"
#include "common/error.hpp"

namespace berth::api {

namespace {
void append_headers(std::string& out, const HeaderList& headers) {
    for (const auto& [k, v] : headers) out.append(k).append(": ").append(v).append("\r\n");
}

std::string status_line(int status) {
    auto reason =
        boost::beast::http::obsolete_reason(static_cast<boost::beast::http::status>(status));
    std::string line = "HTTP/1.1 " + std::to_string(status) + " ";
    line.append(reason.data(), reason.size());
    line += "\r\n";
    append_headers(line, server_headers());
    return line;
}
}  // namespace

std::string serialize(const Response& res, bool keep_alive, bool head_request) {
    std::string out = status_line(res.status);
    if (!res.content_type.empty()) out += "Content-Type: " + res.content_type + "\r\n";
    append_headers(out, res.headers);
    bool bodyless = res.status == 204 || res.status == 304 || res.status < 200;
    if (!bodyless)
        out += "Content-Length: " + std::to_string(head_request ? 0 : res.body.size()) + "\r\n";
    if (!keep_alive) out += "Connection: close\r\n";
    out += "\r\n";
    if (!head_request && !bodyless) out += res.body;
    return out;
}

template <class Io>
void ChunkedWriter<Io>::start(int status, const HeaderList& headers) {
    std::string head = status_line(status);
    append_headers(head, headers);
    head += chunked_ ? "Transfer-Encoding: chunked\r\n" : "Connection: close\r\n";
    head += "\r\n";
    try {
        io_.write_all(head);
    } catch (...) {
        broken_ = true;
        throw;
    }
}

template <class Io>
void ChunkedWriter<Io>::write(std::string_view data) {
    if (finished_) throw Error(Errc::internal, "write after the end of a stream");
    if (broken_) throw Error(Errc::unavailable, "client closed the connection");
    if (data.empty()) return;  // an empty chunk would end the stream
    try {
        if (!chunked_) return io_.write_all(data);
        char size[24];
        int len = std::snprintf(size, sizeof size, "%zx\r\n", data.size());
        // One send per chunk keeps each message in one segment for the client.
        std::string chunk;
        chunk.reserve(static_cast<size_t>(len) + data.size() + 2);
        chunk.append(size, static_cast<size_t>(len)).append(data).append("\r\n");
        io_.write_all(chunk);
    } catch (...) {
        broken_ = true;
        throw;
    }
}

template <class Io>
void ChunkedWriter<Io>::finish() {
    if (finished_) return;
    finished_ = true;
    if (broken_) throw Error(Errc::unavailable, "client closed the connection");
    if (chunked_) io_.write_all("0\r\n\r\n");
}

template <class Io>
bool ChunkedWriter<Io>::finish_if_open() {
    try {
        finish();
        return !broken_;
    } catch (const std::exception&) {
        broken_ = true;
        return false;
    }
}

template <class Io>
bool ChunkedWriter<Io>::client_gone() {
    return broken_ || io_.peer_closed(0);
}

template <class Io>
bool ChunkedWriter<Io>::wait_client_gone(std::chrono::milliseconds timeout) {
    return broken_ || io_.peer_closed(static_cast<int>(timeout.count()));
}

template <class Io>
HijackedSocket<Io>::~HijackedSocket() {
    close();
}

template <class Io>
size_t HijackedSocket<Io>::read_some(char* buf, size_t n) {
    if (leftover_pos_ < leftover_.size()) {
        size_t take = std::min(n, leftover_.size() - leftover_pos_);
        std::memcpy(buf, leftover_.data() + leftover_pos_, take);
        leftover_pos_ += take;
        return take;
    }
    return io_.read_some(buf, n);
}

template <class Io>
void HijackedSocket<Io>::write_all(std::string_view data) {
    io_.write_all(data);
}

template <class Io>
void HijackedSocket<Io>::close_write() {
    io_.close_write();
}

template <class Io>
void HijackedSocket<Io>::close() {
    io_.close();
}

template class ChunkedWriter<FdIo>;
template class ChunkedWriter<TlsIo>;
template class HijackedSocket<FdIo>;
template class HijackedSocket<TlsIo>;

}  // namespace berth::api
