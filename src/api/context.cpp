#include "api/context.hpp"

#include <strings.h>

#include <cstdlib>

#include "api/response.hpp"
#include "common/error.hpp"
#include "common/json_reader.hpp"

namespace berth::api {

Context::Context(std::string method, std::string target, HeaderList headers, Connection* conn,
                 std::string body)
    : method_(std::move(method)),
      target_(std::move(target)),
      headers_(std::move(headers)),
      conn_(conn),
      body_(std::move(body)),
      body_read_(conn == nullptr) {}

void Context::set_route(std::string path, ApiVersion version,
                        std::map<std::string, std::string> params) {
    path_ = std::move(path);
    version_ = version;
    params_ = std::move(params);
}

const std::string& Context::param(std::string_view name) const {
    auto it = params_.find(std::string(name));
    if (it == params_.end())
        throw Error(Errc::internal, "route has no path parameter {" + std::string(name) + "}");
    return it->second;
}

std::optional<std::string> Context::header(std::string_view name) const {
    for (const auto& [k, v] : headers_) {
        if (k.size() == name.size() && strncasecmp(k.data(), name.data(), k.size()) == 0) return v;
    }
    return std::nullopt;
}

namespace {

[[noreturn]] void body_too_large(size_t limit) {
    throw Error(Errc::invalid_argument,
                "request body is larger than " + std::to_string(limit >> 20) + " MiB");
}

}  // namespace

const std::string& Context::body(size_t limit) {
    if (body_read_) {
        if (body_.size() > limit) body_too_large(limit);
        return body_;
    }
    body_read_ = true;
    char buf[16384];
    while (size_t n = conn_->read_body(buf, sizeof buf)) {
        if (body_.size() + n > limit) body_too_large(limit);
        body_.append(buf, n);
    }
    return body_;
}

nlohmann::json Context::json_body() {
    // dockerd's httputils.CheckForJSON: an explicit Content-Type must be JSON.
    if (auto ct = header("Content-Type"); ct && !ct->empty()) {
        std::string_view media(*ct);
        media = media.substr(0, media.find(';'));
        while (!media.empty() && media.back() == ' ') media.remove_suffix(1);
        if (strncasecmp(media.data(), "application/json", media.size()) != 0 ||
            media.size() != 16) {
            throw Error(Errc::invalid_argument, "unsupported Content-Type header (" + *ct +
                                                    "): must be 'application/json'");
        }
    }
    if (auto length = header("Content-Length"); length && !body_read_) {
        // Refused before reading: the server drains or drops the unread rest.
        char* end = nullptr;
        unsigned long long n = std::strtoull(length->c_str(), &end, 10);
        if (end && *end == '\0' && n > kMaxJsonBody) body_too_large(kMaxJsonBody);
    }
    const std::string& text = body(kMaxJsonBody);
    if (text.find_first_not_of(" \t\r\n") == std::string::npos) return nullptr;
    return parse_json(text, "invalid JSON in request body");
}

size_t Context::read_body(char* buf, size_t n) {
    if (body_read_) {
        // Already buffered (or a test context): serve from body_.
        size_t take = std::min(n, body_.size());
        std::copy_n(body_.data(), take, buf);
        body_.erase(0, take);
        return take;
    }
    return conn_->read_body(buf, n);
}

ResponseStream& Context::stream(std::string content_type, int status, HeaderList extra) {
    if (!conn_) throw Error(Errc::internal, "streaming needs a connection");
    if (streamed_ || hijacked_) throw Error(Errc::internal, "response already started");
    HeaderList headers;
    if (!content_type.empty()) headers.emplace_back("Content-Type", std::move(content_type));
    for (auto& h : extra) headers.push_back(std::move(h));
    streamed_ = true;
    return conn_->start_stream(status, headers);
}

std::unique_ptr<RawStream> Context::hijack(const std::string& content_type,
                                           const HeaderList& extra) {
    if (!conn_) throw Error(Errc::internal, "hijack needs a connection");
    if (streamed_ || hijacked_) throw Error(Errc::internal, "response already started");
    // dockerd upgrades when the client sent an Upgrade header (docker CLI sends "tcp").
    bool upgrade = header("Upgrade").has_value();
    std::string head = upgrade ? "HTTP/1.1 101 UPGRADED\r\nContent-Type: " + content_type +
                                     "\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n"
                               : "HTTP/1.1 200 OK\r\nContent-Type: " + content_type + "\r\n";
    for (const auto* list : {&server_headers(), &extra})
        for (const auto& [k, v] : *list) head.append(k).append(": ").append(v).append("\r\n");
    head += "\r\n";
    hijacked_ = true;
    return conn_->hijack(head);
}

std::unique_ptr<RawStream> Context::hijack_with_head(const std::string& head) {
    if (!conn_) throw Error(Errc::internal, "hijack needs a connection");
    if (streamed_ || hijacked_) throw Error(Errc::internal, "response already started");
    hijacked_ = true;
    return conn_->hijack(head);
}

}  // namespace berth::api
