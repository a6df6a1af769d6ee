#include "registry/session.hpp"

#include <thread>

#include "common/base64.hpp"
#include "common/error.hpp"
#include "common/json_reader.hpp"
#include "image/digest.hpp"
#include "registry/registry_error.hpp"

namespace berth::registry {

std::string url_escape(const std::string& s) {
    static const char* hex = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : s) {
        if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
            out += static_cast<char>(c);
        } else {
            out += '%';
            out += hex[c >> 4];
            out += hex[c & 15];
        }
    }
    return out;
}

Session::Session(RegistryHosts& hosts, Endpoint endpoint, Credentials credentials,
                 std::vector<std::string> scopes)
    : hosts_(hosts),
      endpoint_(std::move(endpoint)),
      credentials_(std::move(credentials)),
      scopes_(std::move(scopes)) {}

std::string Session::url(const std::string& path) const {
    if (path.starts_with("http://") || path.starts_with("https://")) return path;
    std::lock_guard lock(mutex_);
    return endpoint_.base_url + path;
}

bool Session::basic_without_credentials() const {
    std::lock_guard lock(mutex_);
    return basic_missing_;
}

std::string Session::authorization() {
    std::lock_guard lock(mutex_);
    return auth_header_;
}

void Session::ping(HttpClient& http) {
    HttpRequest r;
    r.url = url("/v2/");
    r.tls = &endpoint_.tls;
    HttpResponse response;
    try {
        response = http.send(r);
    } catch (const TransportError&) {
        // An insecure registry may speak plain http: Docker falls back to it.
        if (!endpoint_.insecure || !r.url.starts_with("https://")) throw;
        {
            std::lock_guard lock(mutex_);
            endpoint_.base_url = "http://" + endpoint_.base_url.substr(8);
        }
        r.url = url("/v2/");
        response = http.send(r);
    }
    if (endpoint_.insecure && !endpoint_.mirror)
        hosts_.remember_scheme(endpoint_.host, r.url.substr(0, r.url.find(':')));
    if (response.status == 401) {
        authenticate(http, parse_challenges(response.header("www-authenticate")));
        return;
    }
    if (response.status >= 200 && response.status < 300) return;
    throw Error(errc_for_status(response.status),
                "Get \"" + r.url + "\": " + read_registry_error(response).text);
}

std::string Session::fetch_token(HttpClient& http, const Challenge& bearer) {
    std::string realm = bearer.param("realm");
    if (!realm.starts_with("http://") && !realm.starts_with("https://"))
        throw Error(Errc::invalid_argument, "registry " + endpoint_.host +
                                                " sent a token realm that is not an http(s) URL: \"" +
                                                realm + "\"");
    std::string service = bearer.param("service");
    std::vector<std::string> scopes = scopes_;
    if (scopes.empty() && !bearer.param("scope").empty()) scopes.push_back(bearer.param("scope"));
    // Keyed by the secret too (hashed): another password for the same user gets its own.
    std::string secret = image::Digest::sha256_of(credentials_.username + ":" + credentials_.password +
                                                  ":" + credentials_.identity_token)
                             .hex();
    std::string key = realm + "|" + service + "|" + secret + "|";
    for (const auto& s : scopes) key += s + " ";
    if (use_token_cache_) {
        if (std::string cached = hosts_.cached_token(key); !cached.empty()) return cached;
    }

    HttpRequest r;
    r.tls = &endpoint_.tls;
    if (!credentials_.identity_token.empty()) {
        // An OAuth refresh token (from an earlier login) goes as a form POST.
        r.method = "POST";
        r.url = realm;
        r.headers.push_back("Content-Type: application/x-www-form-urlencoded");
        r.body = "grant_type=refresh_token&client_id=berth&refresh_token=" +
                 url_escape(credentials_.identity_token) + "&service=" + url_escape(service);
        for (const auto& s : scopes) r.body += "&scope=" + url_escape(s);
    } else {
        std::string query = "service=" + url_escape(service);
        for (const auto& s : scopes) query += "&scope=" + url_escape(s);
        r.url = realm + (realm.find('?') == std::string::npos ? "?" : "&") + query;
        if (!credentials_.username.empty())
            r.headers.push_back("Authorization: Basic " +
                                base64_encode(credentials_.username + ":" + credentials_.password));
    }
    HttpResponse response = http.send(r);
    if (response.status != 200) {
        std::string text = read_registry_error(response).text;
        if (text.starts_with("unexpected status code") && response.status == 401)
            text = "unauthorized: incorrect username or password";
        throw Error(response.status == 401 || response.status == 403 ? Errc::unauthorized
                                                                        : errc_for_status(response.status),
                    (r.method == "POST" ? "Post \"" : "Get \"") + realm + "\": " + text);
    }
    Json body = Json::parse(response.body, nullptr, false);
    std::string token;
    if (body.is_object()) {
        if (body.contains("token") && body["token"].is_string()) token = body["token"];
        if (token.empty() && body.contains("access_token") && body["access_token"].is_string())
            token = body["access_token"];
    }
    if (token.empty())
        throw Error(Errc::unavailable, "token server " + realm + " answered without a token");
    int64_t ttl = 60;  // the spec's default, and Docker's floor
    if (body.contains("expires_in") && body["expires_in"].is_number_integer())
        ttl = std::max<int64_t>(60, body["expires_in"].get<int64_t>());
    // Renew a little early, so a token does not expire between check and use.
    hosts_.cache_token(key, token, std::chrono::seconds(ttl - 10));
    return token;
}

void Session::authenticate(HttpClient& http, const std::vector<Challenge>& challenges) {
    for (const auto& c : challenges) {
        if (c.scheme == "bearer") {
            std::string token = !credentials_.registry_token.empty() ? credentials_.registry_token
                                                                      : fetch_token(http, c);
            std::lock_guard lock(mutex_);
            auth_header_ = "Authorization: Bearer " + token;
            basic_missing_ = false;
            return;
        }
    }
    for (const auto& c : challenges) {
        if (c.scheme == "basic") {
            std::lock_guard lock(mutex_);
            if (credentials_.username.empty() && credentials_.password.empty()) {
                basic_missing_ = true;
                auth_header_.clear();
            } else {
                auth_header_ = "Authorization: Basic " +
                               base64_encode(credentials_.username + ":" + credentials_.password);
            }
            return;
        }
    }
}

HttpResponse Session::send(HttpClient& http, HttpRequest r) {
    r.url = url(r.url);
    r.tls = &endpoint_.tls;
    std::vector<std::string> base_headers = r.headers;
    for (int attempt = 0;; ++attempt) {
        r.headers = base_headers;
        if (std::string auth = authorization(); !auth.empty()) r.headers.push_back(auth);
        HttpResponse response = http.send(r);
        if (response.status != 401 || attempt > 0) return response;
        std::string before = authorization();
        authenticate(http, parse_challenges(response.header("www-authenticate")));
        if (authorization().empty()) return response;  // nothing to answer with
        // A cached token the registry no longer takes: fetch afresh only if nothing changed.
        if (authorization() == before) return response;
    }
}

HttpResponse Session::send_with_retry(HttpClient& http, const HttpRequest& r, int attempts) {
    std::chrono::milliseconds delay(200);
    for (int i = 1;; ++i) {
        try {
            HttpResponse response = send(http, r);
            if (!is_transient_status(response.status) || i >= attempts) return response;
        } catch (const TransportError&) {
            if (i >= attempts) throw;
        }
        std::this_thread::sleep_for(delay);
        delay *= 2;
    }
}

}  // namespace berth::registry
