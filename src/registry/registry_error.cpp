#include "registry/registry_error.hpp"

#include <cctype>

#include "common/json_reader.hpp"

namespace berth::registry {

std::string status_text(int status) {
    const char* reason = "";
    switch (status) {
        case 400: reason = "Bad Request"; break;
        case 401: reason = "Unauthorized"; break;
        case 403: reason = "Forbidden"; break;
        case 404: reason = "Not Found"; break;
        case 405: reason = "Method Not Allowed"; break;
        case 408: reason = "Request Timeout"; break;
        case 413: reason = "Request Entity Too Large"; break;
        case 416: reason = "Requested Range Not Satisfiable"; break;
        case 429: reason = "Too Many Requests"; break;
        case 500: reason = "Internal Server Error"; break;
        case 502: reason = "Bad Gateway"; break;
        case 503: reason = "Service Unavailable"; break;
        case 504: reason = "Gateway Timeout"; break;
        default: break;
    }
    return std::to_string(status) + (*reason ? std::string(" ") + reason : "");
}

RegistryErrorInfo read_registry_error(const HttpResponse& response) {
    RegistryErrorInfo info;
    Json body = Json::parse(response.body, nullptr, false);
    if (body.is_object() && body.contains("errors") && body["errors"].is_array() &&
        !body["errors"].empty()) {
        std::string joined;
        for (const auto& e : body["errors"]) {
            if (!e.is_object()) continue;
            std::string code = e.value("code", "");
            std::string message = e.contains("message") && e["message"].is_string()
                                      ? e["message"].get<std::string>()
                                      : "";
            if (info.code.empty()) info.code = code;
            std::string name;
            for (char c : code)
                name += c == '_' ? ' ' : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
            std::string one = name.empty() ? message : message.empty() ? name : name + ": " + message;
            joined += joined.empty() ? one : "\n" + one;
        }
        if (!joined.empty()) {
            info.text = joined;
            return info;
        }
    }
    // Token servers answer {"details": "..."} (Docker Hub) or plain text.
    if (body.is_object() && body.contains("details") && body["details"].is_string()) {
        info.text = (response.status == 401 ? "unauthorized: " : "") + body["details"].get<std::string>();
        return info;
    }
    info.text = "unexpected status code " + status_text(response.status);
    return info;
}

Errc errc_for_status(int status) {
    switch (status) {
        case 401: return Errc::unauthorized;
        case 403: return Errc::permission_denied;
        case 404: return Errc::not_found;
        case 400: case 405: case 413: case 416: return Errc::invalid_argument;
        default: break;
    }
    if (status == 429 || status >= 500) return Errc::unavailable;
    return Errc::internal;
}

bool is_transient_status(int status) { return status == 408 || status == 429 || status >= 500; }

}  // namespace berth::registry
