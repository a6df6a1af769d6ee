#include "client/http_message.hpp"

#include <charconv>

#include "common/error.hpp"

namespace berth::client {

bool iequals(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i) {
        char x = a[i], y = b[i];
        if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
        if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
        if (x != y) return false;
    }
    return true;
}

namespace {

bool has_token(std::string_view list, std::string_view token) {
    size_t start = 0;
    while (start <= list.size()) {
        size_t comma = list.find(',', start);
        std::string_view item = list.substr(
            start, comma == std::string_view::npos ? std::string_view::npos : comma - start);
        while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
        while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
        if (iequals(item, token)) return true;
        if (comma == std::string_view::npos) break;
        start = comma + 1;
    }
    return false;
}

}  // namespace

std::optional<std::string> ResponseHead::header(std::string_view name) const {
    for (const auto& [key, value] : headers)
        if (iequals(key, name)) return value;
    return std::nullopt;
}

bool ResponseHead::chunked() const {
    auto te = header("Transfer-Encoding");
    return te && has_token(*te, "chunked");
}

std::optional<size_t> ResponseHead::content_length() const {
    auto cl = header("Content-Length");
    if (!cl) return std::nullopt;
    size_t value = 0;
    auto [p, ec] = std::from_chars(cl->data(), cl->data() + cl->size(), value);
    if (ec != std::errc() || p != cl->data() + cl->size())
        throw Error(Errc::internal, "daemon sent a malformed Content-Length: " + *cl);
    return value;
}

bool ResponseHead::keep_alive() const {
    auto conn = header("Connection");
    return !(conn && has_token(*conn, "close"));
}

std::string serialize_head(const Request& request, const std::string& host) {
    std::string out;
    out.reserve(256 + request.target.size());
    out += request.method;
    out += ' ';
    out += request.target;
    out += " HTTP/1.1\r\nHost: ";
    out += host;
    out += "\r\nUser-Agent: berth-cli\r\n";
    bool has_content_type = false;
    for (const auto& [key, value] : request.headers) {
        if (iequals(key, "Content-Type")) has_content_type = true;
        out += key;
        out += ": ";
        out += value;
        out += "\r\n";
    }
    if (request.body_fd >= 0) {
        out += "Transfer-Encoding: chunked\r\n";
    } else if (!request.body.empty() || request.method == "POST" || request.method == "PUT") {
        if (!request.body.empty() && !has_content_type) out += "Content-Type: application/json\r\n";
        out += "Content-Length: ";
        out += std::to_string(request.body.size());
        out += "\r\n";
    }
    out += "\r\n";
    return out;
}

void parse_status_line(std::string_view line, ResponseHead& head) {
    // "HTTP/1.1 200 OK": the reason phrase may be empty or contain spaces.
    if (!line.starts_with("HTTP/1.") || line.size() < 12 || line[8] != ' ')
        throw Error(Errc::internal, "daemon sent a malformed status line: " + std::string(line));
    int status = 0;
    auto [p, ec] = std::from_chars(line.data() + 9, line.data() + 12, status);
    if (ec != std::errc() || p != line.data() + 12)
        throw Error(Errc::internal, "daemon sent a malformed status line: " + std::string(line));
    head.status = status;
    head.reason = line.size() > 13 ? std::string(line.substr(13)) : std::string();
}

void parse_header_line(std::string_view line, ResponseHead& head) {
    auto colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0)
        throw Error(Errc::internal, "daemon sent a malformed header: " + std::string(line));
    std::string_view value = line.substr(colon + 1);
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t'))
        value.remove_prefix(1);
    while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.remove_suffix(1);
    head.headers.emplace_back(std::string(line.substr(0, colon)), std::string(value));
}

}  // namespace berth::client
