#pragma once
// The request as a handler sees it: method, decoded path and its {params}, query, headers,
// body, the API version the client asked for, and the streaming and hijack APIs.
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "api/api_version.hpp"
#include "api/connection.hpp"
#include "api/query.hpp"

namespace berth::api {

// Bodies read whole (ctx.body(), ctx.json_body()) are capped; larger uploads use read_body.
inline constexpr size_t kMaxBufferedBody = 64u << 20;
// A JSON body becomes a tree several times its size: bodies for json_body() are capped lower
// (an Engine API request body is a few KiB; 4 MiB leaves room for huge label or env sets).
inline constexpr size_t kMaxJsonBody = 4u << 20;

class Context {
  public:
    // conn may be null (unit tests): then the body is `body` and streaming/hijack are refused.
    Context(std::string method, std::string target, HeaderList headers, Connection* conn,
            std::string body = {});

    const std::string& method() const { return method_; }
    const std::string& target() const { return target_; }  // as sent, with /vX.Y and query
    const std::string& path() const { return path_; }      // decoded, without /vX.Y
    ApiVersion version() const { return version_; }
    bool version_at_least(ApiVersion v) const { return version_ >= v; }

    // A {name} of the matched route; throws internal if the route has no such param.
    const std::string& param(std::string_view name) const;
    const Query& query() const { return query_; }
    // First value of a header, case-insensitive.
    std::optional<std::string> header(std::string_view name) const;
    const HeaderList& headers() const { return headers_; }

    // The whole body, read on first use; over `limit` is invalid_argument.
    const std::string& body(size_t limit = kMaxBufferedBody);
    // The body as JSON (null when empty); over kMaxJsonBody is invalid_argument, refused by
    // its Content-Length before anything is read. Malformed JSON is invalid_argument (400) saying
    // where; a Content-Type other than application/json is refused like dockerd does.
    nlohmann::json json_body();
    // Streams the body: up to n bytes, 0 at the end. Do not mix with body().
    size_t read_body(char* buf, size_t n);

    // Starts a chunked response (200 by default). The Response the handler returns afterwards
    // is ignored.
    ResponseStream& stream(std::string content_type = "application/json", int status = 200,
                           HeaderList extra = {});
    // Takes over the socket the way dockerd's attach/exec-start do: "101 UPGRADED" with
    // Connection: Upgrade / Upgrade: tcp if the client asked to upgrade, else "200 OK"; both
    // with content_type (application/vnd.docker.raw-stream or ...multiplexed-stream).
    // The Response the handler returns afterwards is ignored.
    std::unique_ptr<RawStream> hijack(
        const std::string& content_type = "application/vnd.docker.raw-stream",
        const HeaderList& extra = {});

    // Takes over the socket after writing `head` as it is (a complete status line and
    // headers, ending in an empty line; server headers not added): the websocket upgrade.
    std::unique_ptr<RawStream> hijack_with_head(const std::string& head);

    bool streamed() const { return streamed_; }
    bool hijacked() const { return hijacked_; }

    // Set by the router while dispatching.
    void set_route(std::string path, ApiVersion version, std::map<std::string, std::string> params);
    void set_query(Query q) { query_ = std::move(q); }

  private:
    std::string method_;
    std::string target_;
    HeaderList headers_;
    Connection* conn_;
    std::string path_;
    ApiVersion version_ = kMaxApiVersion;
    std::map<std::string, std::string> params_;
    Query query_;
    std::string body_;
    bool body_read_ = false;
    bool streamed_ = false;
    bool hijacked_ = false;
};

}  // namespace berth::api
