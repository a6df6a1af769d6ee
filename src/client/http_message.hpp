#pragma once
// HTTP/1.1 request text and response heads, apart from any socket so they can be tested.
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace berth::client {

using Headers = std::vector<std::pair<std::string, std::string>>;

struct Request {
    std::string method = "GET";
    std::string target = "/";  // path and query
    Headers headers;
    std::string body;
    // Set instead of `body` to stream a request body from a file descriptor (import, load, cp):
    // sent with chunked transfer coding because its length may be unknown (stdin).
    int body_fd = -1;
};

struct ResponseHead {
    int status = 0;
    std::string reason;
    Headers headers;

    // Case-insensitive lookup, as HTTP header names are.
    std::optional<std::string> header(std::string_view name) const;
    bool chunked() const;
    std::optional<size_t> content_length() const;
    bool keep_alive() const;
};

// "POST /x HTTP/1.1\r\nHost: ...\r\n...\r\n\r\n" (without a streamed body).
std::string serialize_head(const Request& request, const std::string& host);

// Parses the status line "HTTP/1.1 200 OK".
void parse_status_line(std::string_view line, ResponseHead& head);
// Adds one "Name: value" header line.
void parse_header_line(std::string_view line, ResponseHead& head);

bool iequals(std::string_view a, std::string_view b);

}  // namespace berth::client
