#pragma once
// One HTTP exchange with a registry, over a reused libcurl easy handle (its connection cache
// keeps the TCP/TLS connection to the registry between requests). Not thread-safe: each
// worker thread owns its HttpClient.
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace berth::registry {

// What a host's TLS needs: the CA bundle (system store plus certs.d/<host>/*.crt) and an
// optional client certificate (certs.d/<host>/*.cert with its *.key).
struct TlsFiles {
    std::string ca_bundle;  // PEM text; empty: curl's default store
    std::string client_cert, client_key;  // paths; empty: none
    // An insecure registry's https is not verified, as Docker's (InsecureSkipVerify): a
    // self-signed registry on loopback or in insecure-registries just works.
    bool skip_verify = false;
};

struct HttpRequest {
    std::string method = "GET";
    std::string url;
    std::vector<std::string> headers;  // "Name: value"
    std::string body;                  // a small request body (manifest, form)
    // A large body streamed from a file (blob upload): `length` bytes from `offset`.
    int body_fd = -1;
    uint64_t body_offset = 0, body_length = 0;
    // 2xx body bytes as they arrive; when unset they collect in HttpResponse::body, up to
    // max_body (more is invalid_argument "... exceeds N bytes").
    std::function<void(std::string_view)> on_data;
    uint64_t max_body = 4u << 20;
    // Called with the status once, before the first 2xx body byte reaches on_data (a
    // ranged GET learns here whether it got 206 or the whole blob).
    std::function<void(int)> on_start;
    // Bytes sent so far of a streamed body (push progress).
    std::function<void(uint64_t)> on_sent;
    const TlsFiles* tls = nullptr;
};

struct HttpResponse {
    int status = 0;
    std::map<std::string, std::vector<std::string>> headers;  // lower-case names
    std::string body;  // the 2xx body without on_data; an error body (first 64 KiB)
    std::string url;   // after redirects

    // First value of a header, "" when absent.
    std::string header(const std::string& lower_name) const;
};

// A failure below HTTP (refused, reset, timed out, cut short, TLS): worth a retry. The
// message reads as Go's net/http does: `Get "http://host/v2/": connection refused`.
struct TransportError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

class HttpClient {
  public:
    HttpClient();
    ~HttpClient();
    HttpClient(const HttpClient&) = delete;
    HttpClient& operator=(const HttpClient&) = delete;

    // Follows up to 10 redirects (http and https only; curl drops Authorization when the
    // host changes). Throws TransportError; an HTTP error status is returned, not thrown.
    HttpResponse send(const HttpRequest& request);

    // Seconds without a byte before a transfer is abandoned (a registry that hangs):
    // $BERTH_REGISTRY_STALL_TIMEOUT, default 60.
    static long stall_timeout();

  private:
    void* handle_ = nullptr;  // CURL*
};

}  // namespace berth::registry
