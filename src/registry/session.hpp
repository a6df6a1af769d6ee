#pragma once
// One repository on one registry endpoint, as one user: the /v2/ ping that finds the
// scheme and the auth challenge, then requests with the right Authorization, answering a 401
// by getting a token for the challenge's realm (Docker Hub's flow) and trying once more.
// Shared by the worker threads of one pull or push (each brings its own HttpClient).
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "registry/challenge.hpp"
#include "registry/credentials.hpp"
#include "registry/http.hpp"
#include "registry/registry_hosts.hpp"

namespace berth::registry {

class Session {
  public:
    // `scopes`: token scopes, e.g. "repository:library/busybox:pull".
    Session(RegistryHosts& hosts, Endpoint endpoint, Credentials credentials,
            std::vector<std::string> scopes);

    // A login must ask the token server every time: a token cached from an earlier good
    // password must not vouch for a wrong one.
    void bypass_token_cache() { use_token_cache_ = false; }

    // GET /v2/: settles the scheme of an insecure host (https first, then http, as Docker)
    // and reads the challenge. Throws TransportError when the registry is unreachable, and
    // Error for an answer that is not a registry's.
    void ping(HttpClient& http);
    // Sends `r` (its url a path like "/v2/..." or an absolute Location) with credentials.
    // A 401 is answered once; the second 401 is returned for the caller to report.
    HttpResponse send(HttpClient& http, HttpRequest r);
    // The same, throwing TransportError on a transport failure or a transient status after
    // up to `attempts` tries with backoff (200 ms, 400 ms, ...).
    HttpResponse send_with_retry(HttpClient& http, const HttpRequest& r, int attempts = 5);

    std::string url(const std::string& path) const;
    const Endpoint& endpoint() const { return endpoint_; }
    const Credentials& credentials() const { return credentials_; }
    // Whether the last 401 came from a Basic challenge with no credentials to answer it.
    bool basic_without_credentials() const;

  private:
    std::string authorization();
    void authenticate(HttpClient& http, const std::vector<Challenge>& challenges);
    std::string fetch_token(HttpClient& http, const Challenge& bearer);

    RegistryHosts& hosts_;
    Endpoint endpoint_;
    Credentials credentials_;
    std::vector<std::string> scopes_;
    mutable std::mutex mutex_;
    std::string auth_header_;  // "Authorization: ..." or ""
    bool basic_missing_ = false;
    bool use_token_cache_ = true;
};

std::string url_escape(const std::string& s);

}  // namespace berth::registry
