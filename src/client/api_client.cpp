#include "client/api_client.hpp"

#include "client/api_version.hpp"
#include "client/errors.hpp"

namespace berth::client {

ApiClient::ApiClient(Host host, std::string pinned_version)
    : http_(std::move(host)), version_(std::move(pinned_version)) {}

ResponseHead ApiClient::ping() {
    Request request;
    request.target = "/_ping";
    Response response = http_.send(request);
    if (response.head.status >= 400)
        throw DaemonError(response.head.status,
                          message_from_body(response.body, response.head.status));
    return response.head;
}

const std::string& ApiClient::version() {
    if (version_.empty()) {
        ResponseHead head = ping();
        version_ = negotiate_api_version(head.header("API-Version").value_or(""));
    }
    return version_;
}

std::unique_ptr<ApiClient> ApiClient::clone() {
    return std::make_unique<ApiClient>(http_.host(), version());
}

std::string ApiClient::versioned(std::string_view path) {
    std::string out = "/v";
    out += version();
    out += path;
    return out;
}

Request ApiClient::make_request(std::string_view method, std::string_view path, const Query& query,
                                const std::optional<Json>& body, Headers headers) {
    Request request;
    request.method = std::string(method);
    request.target = versioned(path) + query.str();
    request.headers = std::move(headers);
    if (body) {
        request.body = body->dump();
        request.headers.emplace_back("Content-Type", "application/json");
    }
    return request;
}

Response ApiClient::call(std::string_view method, std::string_view path, const Query& query,
                         const std::optional<Json>& body, Headers headers) {
    Response response = http_.send(make_request(method, path, query, body, std::move(headers)));
    if (response.head.status >= 400)
        throw DaemonError(response.head.status,
                          message_from_body(response.body, response.head.status));
    return response;
}

namespace {

Json parse_body(const std::string& body) {
    if (body.empty()) return Json();
    try {
        return Json::parse(body);
    } catch (const Json::parse_error& e) {
        throw Error(Errc::internal, std::string("the daemon sent invalid JSON: ") + e.what());
    }
}

}  // namespace

Json ApiClient::get_json(std::string_view path, const Query& query) {
    return parse_body(call("GET", path, query).body);
}

Json ApiClient::post_json(std::string_view path, const Query& query,
                          const std::optional<Json>& body) {
    return parse_body(call("POST", path, query, body).body);
}

ResponseHead ApiClient::stream(std::string_view method, std::string_view path, const Query& query,
                               const BodySink& sink, const std::optional<Json>& body,
                               const std::function<void(const ResponseHead&)>& on_head,
                               Headers headers) {
    std::string error_body;
    ResponseHead head = http_.stream(make_request(method, path, query, body, std::move(headers)),
                                     sink, error_body, on_head);
    if (head.status >= 400)
        throw DaemonError(head.status, message_from_body(error_body, head.status));
    return head;
}

ResponseHead ApiClient::upload(std::string_view method, std::string_view path, const Query& query,
                               int fd, std::string content_type, const BodySink& sink) {
    Request request = make_request(method, path, query, std::nullopt, {});
    request.body_fd = fd;
    request.headers.emplace_back("Content-Type", std::move(content_type));
    std::string error_body;
    ResponseHead head = http_.stream(request, sink, error_body);
    if (head.status >= 400)
        throw DaemonError(head.status, message_from_body(error_body, head.status));
    return head;
}

std::unique_ptr<Connection> ApiClient::hijack(std::string_view path, const Query& query,
                                              const std::optional<Json>& body, ResponseHead& head) {
    Request request =
        make_request("POST", path, query, body, {{"Connection", "Upgrade"}, {"Upgrade", "tcp"}});
    std::string error_body;
    auto conn = http_.hijack(request, head, error_body);
    if (!conn) throw DaemonError(head.status, message_from_body(error_body, head.status));
    return conn;
}

}  // namespace berth::client
