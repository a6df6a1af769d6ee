#pragma once
// A complete (non-streamed) HTTP response a handler returns, and the Docker error body.
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/error.hpp"

namespace berth::api {

struct Response {
    int status = 200;
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
    std::string content_type;  // empty: no Content-Type header (e.g. 204)

    Response& header(std::string name, std::string value) {
        headers.emplace_back(std::move(name), std::move(value));
        return *this;
    }

    // JSON with a trailing newline, as Go's json.Encoder writes it (clients compare bytes in
    // tests).
    static Response json(int status, const nlohmann::json& value);
    static Response text(int status, std::string body,
                         std::string content_type = "text/plain; charset=utf-8");
    static Response no_content(int status = 204);
    // {"message": "..."} with the status for code.
    static Response error(Errc code, std::string_view message);
    static Response error(int status, std::string_view message);
};

// not_found 404, conflict 409, invalid_argument 400, permission_denied 403, unavailable 503,
// internal 500.
int http_status(Errc code);

// Headers dockerd's version middleware puts on every response, streamed and hijacked too:
// API-Version and Server.
const std::vector<std::pair<std::string, std::string>>& server_headers();

}  // namespace berth::api
