#include "api/response.hpp"

namespace berth::api {

int http_status(Errc code) {
    switch (code) {
        case Errc::not_found:
            return 404;
        case Errc::conflict:
            return 409;
        case Errc::invalid_argument:
            return 400;
        case Errc::permission_denied:
            return 403;
        case Errc::unauthorized:
            return 401;
        case Errc::unavailable:
            return 503;
        case Errc::not_implemented:
            return 501;
        case Errc::internal:
            return 500;
    }
    return 500;
}

Response Response::json(int status, const nlohmann::json& value) {
    Response r;
    r.status = status;
    r.content_type = "application/json";
    // Replace invalid UTF-8 rather than throw: names and labels come from users.
    r.body = value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    r.body += '\n';
    return r;
}

Response Response::text(int status, std::string body, std::string content_type) {
    Response r;
    r.status = status;
    r.body = std::move(body);
    r.content_type = std::move(content_type);
    return r;
}

Response Response::no_content(int status) {
    Response r;
    r.status = status;
    return r;
}

Response Response::error(int status, std::string_view message) {
    return json(status, nlohmann::json{{"message", std::string(message)}});
}

Response Response::error(Errc code, std::string_view message) {
    return error(http_status(code), message);
}

}  // namespace berth::api

namespace berth::api {
const std::vector<std::pair<std::string, std::string>>& server_headers() {
    static const std::vector<std::pair<std::string, std::string>> headers = {
        {"Api-Version", "1.47"},
        {"Server", "berth/" BERTH_VERSION " (linux)"},
    };
    return headers;
}
}  // namespace berth::api
