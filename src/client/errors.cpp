#include "client/errors.hpp"

#include <nlohmann/json.hpp>

namespace berth::client {

ConnectError::ConnectError(const std::string& host_url, const std::string& detail)
    : Error(Errc::unavailable, "Cannot connect to the berth daemon at " + host_url +
                                   ". Is berthd running? Start it with: berthd"),
      detail_(detail) {}

DaemonError::DaemonError(int status, std::string message)
    : Error(errc_from_status(status), std::move(message)), status_(status) {}

Errc errc_from_status(int status) {
    switch (status) {
        case 400:
            return Errc::invalid_argument;
        case 401:
        case 403:
            return Errc::permission_denied;
        case 404:
            return Errc::not_found;
        case 409:
            return Errc::conflict;
        case 503:
            return Errc::unavailable;
        default:
            return Errc::internal;
    }
}

std::string message_from_body(const std::string& body, int status) {
    auto parsed = nlohmann::json::parse(body, nullptr, false);
    if (parsed.is_object()) {
        auto it = parsed.find("message");
        if (it != parsed.end() && it->is_string()) return it->get<std::string>();
    }
    std::string text = body;
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
    if (text.empty()) return "request failed with status " + std::to_string(status);
    return text;
}

}  // namespace berth::client
