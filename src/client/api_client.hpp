#pragma once
// The Engine API as the CLI uses it: versioned paths after negotiation, JSON in and out, errors
// as DaemonError carrying the daemon's message, streams and hijacked connections.
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "client/http_client.hpp"
#include "client/query.hpp"

namespace berth::client {

// Ordered, so that inspect output and {{json .X}} keep the daemon's key order.
using Json = nlohmann::ordered_json;

class ApiClient {
  public:
    // `pinned_version` (from BERTH_API_VERSION) skips negotiation.
    explicit ApiClient(Host host, std::string pinned_version = "");

    const Host& host() const { return http_.host(); }
    // The negotiated version; pings the daemon the first time it is needed.
    const std::string& version();
    // Another client on its own connection with the same version, for a second request in
    // flight at once (wait while attached).
    std::unique_ptr<ApiClient> clone();

    // GET /_ping: the daemon's headers (API-Version, OSType...).
    ResponseHead ping();

    // One request; throws DaemonError for a status >= 400.
    Response call(std::string_view method, std::string_view path, const Query& query = {},
                  const std::optional<Json>& body = std::nullopt, Headers headers = {});
    Json get_json(std::string_view path, const Query& query = {});
    Json post_json(std::string_view path, const Query& query = {},
                   const std::optional<Json>& body = std::nullopt);

    // Streams the body to `sink`; throws DaemonError for a status >= 400.
    // `on_head` runs once the response head arrived (before the body): a wait is registered.
    // `headers` go with the request (X-Registry-Auth for pull and push).
    ResponseHead stream(std::string_view method, std::string_view path, const Query& query,
                        const BodySink& sink, const std::optional<Json>& body = std::nullopt,
                        const std::function<void(const ResponseHead&)>& on_head = nullptr,
                        Headers headers = {});
    // Uploads the content of `fd` as the body (import, load, cp to a container).
    ResponseHead upload(std::string_view method, std::string_view path, const Query& query, int fd,
                        std::string content_type, const BodySink& sink);

    // Hijacks POST `path` (attach, exec start); throws DaemonError on an error status.
    std::unique_ptr<Connection> hijack(std::string_view path, const Query& query,
                                       const std::optional<Json>& body, ResponseHead& head);

    // "/v1.47/containers/json" from "/containers/json".
    std::string versioned(std::string_view path);

  private:
    Request make_request(std::string_view method, std::string_view path, const Query& query,
                         const std::optional<Json>& body, Headers headers);
    HttpClient http_;
    std::string version_;
};

}  // namespace berth::client
