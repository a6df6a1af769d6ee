#include "registry/http.hpp"

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <cstring>

#include "common/error.hpp"
#include "registry/curl_api.hpp"

namespace berth::registry {

namespace {

constexpr size_t kMaxErrorBody = 64u << 10;

struct Transfer {
    const HttpRequest* request;
    HttpResponse* response;
    CURL* curl;
    uint64_t sent = 0;
    std::string overflow;  // set when a buffered body grew past max_body
    std::string callback_error;  // an exception from on_data, rethrown after perform
    bool started = false;
};

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
    return s;
}

size_t on_header(char* data, size_t size, size_t n, void* user) {
    auto* t = static_cast<Transfer*>(user);
    std::string_view line(data, size * n);
    while (!line.empty() && (line.back() == '\r' || line.back() == '\n')) line.remove_suffix(1);
    if (line.starts_with("HTTP/")) {
        t->response->headers.clear();  // a redirect's or 100 Continue's headers are not ours
        return size * n;
    }
    size_t colon = line.find(':');
    if (colon == std::string_view::npos) return size * n;
    std::string value(line.substr(colon + 1));
    size_t start = value.find_first_not_of(" \t");
    value = start == std::string::npos ? "" : value.substr(start);
    t->response->headers[lower(std::string(line.substr(0, colon)))].push_back(value);
    return size * n;
}

size_t on_body(char* data, size_t size, size_t n, void* user) {
    auto* t = static_cast<Transfer*>(user);
    size_t len = size * n;
    long status = 0;
    libcurl().curl_easy_getinfo(t->curl, CURLINFO_RESPONSE_CODE, &status);
    bool ok = status >= 200 && status < 300;
    std::string& body = t->response->body;
    if (!ok) {
        if (body.size() < kMaxErrorBody) body.append(data, std::min(len, kMaxErrorBody - body.size()));
        return len;
    }
    if (t->request->on_data) {
        try {
            if (!t->started && t->request->on_start) t->request->on_start(static_cast<int>(status));
            t->started = true;
            t->request->on_data(std::string_view(data, len));
        } catch (const std::exception& e) {
            t->callback_error = e.what();
            return 0;  // aborts the transfer (CURLE_WRITE_ERROR)
        }
        return len;
    }
    if (body.size() + len > t->request->max_body) {
        t->overflow = "response body exceeds " + std::to_string(t->request->max_body) + " bytes";
        return 0;
    }
    body.append(data, len);
    return len;
}

size_t on_read(char* buffer, size_t size, size_t n, void* user) {
    auto* t = static_cast<Transfer*>(user);
    const HttpRequest& r = *t->request;
    uint64_t left = r.body_length - t->sent;
    size_t want = static_cast<size_t>(std::min<uint64_t>(left, size * n));
    if (want == 0) return 0;
    ssize_t got = ::pread(r.body_fd, buffer, want, static_cast<off_t>(r.body_offset + t->sent));
    if (got <= 0) return CURL_READFUNC_ABORT;
    t->sent += static_cast<uint64_t>(got);
    if (r.on_sent) r.on_sent(t->sent);
    return static_cast<size_t>(got);
}

std::string go_method(const std::string& m) {
    // Go prints "Get", "Head", "Put"... in its url.Error.
    std::string out = lower(m);
    if (!out.empty()) out[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(out[0])));
    return out;
}

}  // namespace

std::string HttpResponse::header(const std::string& lower_name) const {
    auto it = headers.find(lower_name);
    return it == headers.end() || it->second.empty() ? "" : it->second.front();
}

long HttpClient::stall_timeout() {
    const char* v = std::getenv("BERTH_REGISTRY_STALL_TIMEOUT");
    long s = v ? std::strtol(v, nullptr, 10) : 0;
    return s > 0 ? s : 60;
}

HttpClient::HttpClient() {
    handle_ = libcurl().curl_easy_init();
    if (!handle_) throw Error(Errc::internal, "registry access: curl_easy_init failed");
}

HttpClient::~HttpClient() {
    if (handle_) libcurl().curl_easy_cleanup(static_cast<CURL*>(handle_));
}

HttpResponse HttpClient::send(const HttpRequest& r) {
    const LibCurl& c = libcurl();
    CURL* h = static_cast<CURL*>(handle_);
    c.curl_easy_reset(h);  // options only: the connection cache survives
    HttpResponse response;
    Transfer t{&r, &response, h, 0, {}, {}, false};
    char errbuf[CURL_ERROR_SIZE] = {};

    c.curl_easy_setopt(h, CURLOPT_URL, r.url.c_str());
    c.curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
    c.curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    c.curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
    c.curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    c.curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 1L);
    c.curl_easy_setopt(h, CURLOPT_MAXREDIRS, 10L);
    c.curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, 30L);
    c.curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, 1L);
    c.curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME, stall_timeout());
    // Proxies come only from daemon configuration, never from a stray environment.
    c.curl_easy_setopt(h, CURLOPT_PROXY, "");
    c.curl_easy_setopt(h, CURLOPT_USERAGENT, "berth/0.1 (docker-compatible)");
    c.curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
    c.curl_easy_setopt(h, CURLOPT_HEADERDATA, &t);
    c.curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
    c.curl_easy_setopt(h, CURLOPT_WRITEDATA, &t);
    if (r.tls) {
        if (!r.tls->ca_bundle.empty()) {
            curl_blob blob{const_cast<char*>(r.tls->ca_bundle.data()), r.tls->ca_bundle.size(),
                           CURL_BLOB_NOCOPY};
            c.curl_easy_setopt(h, CURLOPT_CAINFO_BLOB, &blob);
        }
        if (r.tls->skip_verify) {
            c.curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 0L);
            c.curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 0L);
        }
        if (!r.tls->client_cert.empty()) {
            c.curl_easy_setopt(h, CURLOPT_SSLCERT, r.tls->client_cert.c_str());
            c.curl_easy_setopt(h, CURLOPT_SSLKEY, r.tls->client_key.c_str());
        }
    }

    struct curl_slist* headers = nullptr;
    for (const auto& line : r.headers) headers = c.curl_slist_append(headers, line.c_str());
    headers = c.curl_slist_append(headers, "Expect:");  // no 100-continue round trip
    c.curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);

    if (r.method == "HEAD") {
        c.curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
    } else if (r.body_fd >= 0) {
        c.curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
        c.curl_easy_setopt(h, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(r.body_length));
        c.curl_easy_setopt(h, CURLOPT_READFUNCTION, on_read);
        c.curl_easy_setopt(h, CURLOPT_READDATA, &t);
        if (r.method != "PUT") c.curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, r.method.c_str());
    } else if (r.method == "POST" || r.method == "PUT" || r.method == "PATCH") {
        c.curl_easy_setopt(h, CURLOPT_POST, 1L);
        c.curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(r.body.size()));
        c.curl_easy_setopt(h, CURLOPT_COPYPOSTFIELDS, r.body.c_str());
        if (r.method != "POST") c.curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, r.method.c_str());
    } else if (r.method != "GET") {
        c.curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, r.method.c_str());
    }

    CURLcode rc = c.curl_easy_perform(h);
    c.curl_slist_free_all(headers);
    if (!t.callback_error.empty()) throw Error(Errc::invalid_argument, t.callback_error);
    if (!t.overflow.empty()) throw Error(Errc::invalid_argument, t.overflow);
    if (rc != CURLE_OK) {
        std::string why = errbuf[0] ? errbuf : c.curl_easy_strerror(rc);
        if (rc == CURLE_TOO_MANY_REDIRECTS) why = "stopped after 10 redirects";
        if (rc == CURLE_OPERATION_TIMEDOUT)
            why = "no data for " + std::to_string(stall_timeout()) + " s (" + why + ")";
        throw TransportError(go_method(r.method) + " \"" + r.url + "\": " + why);
    }
    long status = 0;
    c.curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
    response.status = static_cast<int>(status);
    char* effective = nullptr;
    c.curl_easy_getinfo(h, CURLINFO_EFFECTIVE_URL, &effective);
    response.url = effective ? effective : r.url;
    return response;
}

}  // namespace berth::registry
