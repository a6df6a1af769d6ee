#include "client/tls.hpp"

#include <arpa/inet.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>

#include "common/openssl_api.hpp"
#include "common/error.hpp"

namespace berth::client {

namespace {

const char* env(const char* berth_name, const char* docker_name) {
    for (const char* name : {berth_name, docker_name}) {
        const char* v = std::getenv(name);
        if (v != nullptr && *v != '\0') return v;
    }
    return nullptr;
}

std::string cert_dir() {
    if (const char* dir = env("BERTH_CERT_PATH", "DOCKER_CERT_PATH")) return dir;
    const char* home = std::getenv("HOME");
    return std::string(home != nullptr ? home : "") + "/.docker";
}

bool exists(const std::string& path) {
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0;
}

// The reason of the last OpenSSL error, with the certificate check's own when it failed.
std::string ssl_reason(const OpenSsl& api, ssl_st* ssl, const std::string& fallback) {
    unsigned long code = api.ERR_peek_last_error();
    api.ERR_clear_error();
    std::string why = fallback;
    if (code != 0)
        if (const char* r = api.ERR_reason_error_string(code)) why = r;
    if (ssl != nullptr) {
        long verify = api.SSL_get_verify_result(ssl);
        if (verify != X509_V_OK)
            why += std::string(" (") + api.X509_verify_cert_error_string(verify) + ")";
    }
    return why;
}

// OpenSSL writes with write(2): a daemon that hung up would kill the CLI with SIGPIPE. Block
// it in this thread around the write and swallow one it raised, leaving `berth logs | head`
// to die of SIGPIPE on stdout as usual.
class SigpipeGuard {
  public:
    SigpipeGuard() {
        sigset_t pending;
        sigemptyset(&pipe_);
        sigaddset(&pipe_, SIGPIPE);
        sigpending(&pending);
        was_pending_ = sigismember(&pending, SIGPIPE) == 1;
        pthread_sigmask(SIG_BLOCK, &pipe_, &old_);
    }
    ~SigpipeGuard() {
        if (!was_pending_) {
            sigset_t pending;
            sigpending(&pending);
            if (sigismember(&pending, SIGPIPE) == 1) {
                timespec zero{0, 0};
                while (sigtimedwait(&pipe_, nullptr, &zero) < 0 && errno == EINTR) {
                }
            }
        }
        pthread_sigmask(SIG_SETMASK, &old_, nullptr);
    }

  private:
    sigset_t pipe_, old_;
    bool was_pending_ = false;
};

int clamp(size_t n) {
    return static_cast<int>(std::min<size_t>(n, INT_MAX));
}

}  // namespace

std::optional<TlsOptions> resolve_tls(const TlsFlags& f) {
    bool verify =
        f.tlsverify ? *f.tlsverify : env("BERTH_TLS_VERIFY", "DOCKER_TLS_VERIFY") != nullptr;
    bool tls = verify || (f.tls ? *f.tls : env("BERTH_TLS", "DOCKER_TLS") != nullptr);
    if (!tls) return std::nullopt;
    std::string dir = cert_dir();
    TlsOptions o;
    o.verify = verify;
    o.ca_file = f.tlscacert ? *f.tlscacert : dir + "/ca.pem";
    o.cert_file = f.tlscert ? *f.tlscert : dir + "/cert.pem";
    o.key_file = f.tlskey ? *f.tlskey : dir + "/key.pem";
    // Defaults that are not there mean "no client certificate"; a named file must exist.
    if (!f.tlscert && !exists(o.cert_file)) o.cert_file.clear();
    if (!f.tlskey && !exists(o.key_file)) o.key_file.clear();
    return o;
}

TlsClientContext::TlsClientContext(const TlsOptions& o) : verify_(o.verify) {
    const OpenSsl& api = openssl();
    auto fail = [&](const std::string& what, const std::string& path) -> Error {
        int err = errno;
        if (!path.empty() && ::access(path.c_str(), R_OK) != 0)
            return Error(Errc::invalid_argument,
                         "could not read " + what + " \"" + path + "\": " + std::strerror(err));
        return Error(Errc::invalid_argument, "could not load " + what + " \"" + path +
                                                 "\": " + ssl_reason(api, nullptr, "not PEM"));
    };
    api.ERR_clear_error();
    ctx_ = api.SSL_CTX_new(api.TLS_client_method());
    if (ctx_ == nullptr) throw Error(Errc::internal, "TLS: cannot create a context");
    api.SSL_CTX_ctrl(ctx_, SSL_CTRL_SET_MIN_PROTO_VERSION, TLS1_2_VERSION, nullptr);
    // A close without close_notify ends the stream like any other: HTTP framing tells whether
    // a response was complete (and dockerd, like berthd, closes hijacked streams that way).
    api.SSL_CTX_set_options(ctx_, SSL_OP_IGNORE_UNEXPECTED_EOF);
    try {
        if (o.verify) {
            if (::access(o.ca_file.c_str(), R_OK) != 0 ||
                api.SSL_CTX_load_verify_locations(ctx_, o.ca_file.c_str(), nullptr) != 1)
                throw fail("CA certificate", o.ca_file);
            api.SSL_CTX_set_verify(ctx_, SSL_VERIFY_PEER, nullptr);
        } else {
            api.SSL_CTX_set_verify(ctx_, SSL_VERIFY_NONE, nullptr);
        }
        if (o.cert_file.empty() != o.key_file.empty())
            throw Error(Errc::invalid_argument,
                        "a client certificate needs both --tlscert and --tlskey (got only " +
                            (o.cert_file.empty() ? "--tlskey \"" + o.key_file
                                                 : "--tlscert \"" + o.cert_file) +
                            "\")");
        if (!o.cert_file.empty()) {
            if (::access(o.cert_file.c_str(), R_OK) != 0 ||
                api.SSL_CTX_use_certificate_chain_file(ctx_, o.cert_file.c_str()) != 1)
                throw fail("client certificate", o.cert_file);
            if (::access(o.key_file.c_str(), R_OK) != 0 ||
                api.SSL_CTX_use_PrivateKey_file(ctx_, o.key_file.c_str(), SSL_FILETYPE_PEM) != 1)
                throw fail("client key", o.key_file);
            if (api.SSL_CTX_check_private_key(ctx_) != 1) {
                api.ERR_clear_error();
                throw Error(Errc::invalid_argument, "client key \"" + o.key_file +
                                                        "\" does not belong to the certificate \"" +
                                                        o.cert_file + "\"");
            }
        }
    } catch (...) {
        api.SSL_CTX_free(ctx_);
        throw;
    }
}

TlsClientContext::~TlsClientContext() {
    openssl().SSL_CTX_free(ctx_);
}

TlsStream::TlsStream(const TlsClientContext& context, int fd, const std::string& server_name,
                     const std::string& url) {
    const OpenSsl& api = openssl();
    api.ERR_clear_error();
    ssl_ = api.SSL_new(context.get());
    if (ssl_ == nullptr || api.SSL_set_fd(ssl_, fd) != 1) {
        if (ssl_ != nullptr) api.SSL_free(ssl_);
        throw Error(Errc::internal, "TLS: cannot set up the connection");
    }
    in6_addr addr{};
    bool is_ip = ::inet_pton(AF_INET, server_name.c_str(), &addr) == 1 ||
                 ::inet_pton(AF_INET6, server_name.c_str(), &addr) == 1;
    if (!is_ip)  // SNI takes names only
        api.SSL_ctrl(ssl_, SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name,
                     const_cast<char*>(server_name.c_str()));
    if (context.verify()) {
        X509_VERIFY_PARAM* param = api.SSL_get0_param(ssl_);
        int ok = is_ip ? api.X509_VERIFY_PARAM_set1_ip_asc(param, server_name.c_str())
                       : api.X509_VERIFY_PARAM_set1_host(param, server_name.c_str(), 0);
        if (ok != 1) {
            api.SSL_free(ssl_);
            throw Error(Errc::invalid_argument, "TLS: cannot verify the name " + server_name);
        }
    }
    int r;
    {
        SigpipeGuard guard;
        r = api.SSL_connect(ssl_);
    }
    if (r != 1) {
        int err = errno;
        int code = api.SSL_get_error(ssl_, r);
        std::string why = code == SSL_ERROR_SYSCALL
                              ? (err != 0 ? std::strerror(err) : "the daemon closed the connection")
                              : ssl_reason(api, ssl_, "handshake failed");
        api.SSL_free(ssl_);
        throw Error(Errc::unavailable, "TLS handshake with " + url + " failed: " + why);
    }
}

TlsStream::~TlsStream() {
    // No close_notify: the socket is closed right after, and the daemon takes a bare close
    // as the end of the connection (the docker CLI does the same).
    openssl().SSL_free(ssl_);
}

size_t TlsStream::read(char* buf, size_t n) {
    const OpenSsl& api = openssl();
    for (;;) {
        api.ERR_clear_error();
        int r = api.SSL_read(ssl_, buf, clamp(n));
        if (r > 0) return static_cast<size_t>(r);
        int err = errno;
        int code = api.SSL_get_error(ssl_, r);
        if (code == SSL_ERROR_ZERO_RETURN) return 0;
        if (code == SSL_ERROR_SYSCALL) {
            if (err == EINTR) continue;
            if (err == 0 || err == ECONNRESET) return 0;
            throw_sys("read from daemon", err);
        }
        if (code == SSL_ERROR_WANT_READ || code == SSL_ERROR_WANT_WRITE) continue;
        throw Error(Errc::unavailable,
                    "reading from the daemon: " + ssl_reason(api, nullptr, "TLS error"));
    }
}

void TlsStream::write_all(std::string_view data) {
    const OpenSsl& api = openssl();
    SigpipeGuard guard;
    while (!data.empty()) {
        api.ERR_clear_error();
        int r = api.SSL_write(ssl_, data.data(), clamp(data.size()));
        if (r > 0) {
            data.remove_prefix(static_cast<size_t>(r));
            continue;
        }
        int err = errno;
        int code = api.SSL_get_error(ssl_, r);
        if (code == SSL_ERROR_WANT_READ || code == SSL_ERROR_WANT_WRITE) continue;
        if (code == SSL_ERROR_SYSCALL) {
            if (err == EINTR) continue;
            throw_sys("write to daemon", err != 0 ? err : EPIPE);
        }
        throw Error(Errc::unavailable, "write to daemon: " + ssl_reason(api, nullptr, "TLS error"));
    }
}

bool TlsStream::pending() const {
    return openssl().SSL_pending(ssl_) > 0;
}

}  // namespace berth::client
