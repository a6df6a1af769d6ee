#include "api/server/tls_context.hpp"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "common/error.hpp"
#include "common/openssl_api.hpp"

namespace berth::api {

std::string last_ssl_error(const std::string& fallback) {
    unsigned long code = openssl().ERR_peek_last_error();
    openssl().ERR_clear_error();
    if (code == 0) return fallback;
    const char* reason = openssl().ERR_reason_error_string(code);
    if (reason != nullptr) return reason;
    char buf[256];
    openssl().ERR_error_string_n(code, buf, sizeof buf);
    return buf;
}

namespace {

struct CtxDeleter {
    void operator()(SSL_CTX* c) const { openssl().SSL_CTX_free(c); }
};

// Checked before OpenSSL sees the file, so "no such file" reads as such rather than as
// OpenSSL's "system lib".
void check_readable(const std::string& path, const char* what, const char* flag) {
    if (path.empty())
        throw Error(Errc::invalid_argument, std::string("no ") + what + " given (" + flag + ")");
    if (::access(path.c_str(), R_OK) != 0)
        throw Error(Errc::invalid_argument, std::string("cannot read ") + what + " \"" + path +
                                                "\" (" + flag + "): " + std::strerror(errno));
}

[[noreturn]] void bad_file(const std::string& path, const char* what) {
    throw Error(Errc::invalid_argument, std::string("cannot load ") + what + " \"" + path +
                                            "\": " + last_ssl_error("not a PEM file"));
}

}  // namespace

std::shared_ptr<TlsContext> TlsContext::load(const TlsServerConfig& config) {
    check_readable(config.cert_file, "TLS certificate", "--tlscert");
    check_readable(config.key_file, "TLS key", "--tlskey");
    if (config.verify_clients) check_readable(config.ca_file, "TLS CA certificate", "--tlscacert");

    openssl().ERR_clear_error();
    std::unique_ptr<SSL_CTX, CtxDeleter> ctx(openssl().SSL_CTX_new(openssl().TLS_server_method()));
    if (!ctx) throw Error(Errc::internal, "creating the TLS context: " + last_ssl_error("?"));
    // TLS 1.2 and up, as dockerd; no renegotiation (it would make a reader thread write), no
    // session tickets (clients of a daemon do not resume, and they cost a write per accept).
    openssl().SSL_CTX_ctrl(ctx.get(), SSL_CTRL_SET_MIN_PROTO_VERSION, TLS1_2_VERSION, nullptr);
    openssl().SSL_CTX_set_options(
        ctx.get(), SSL_OP_NO_RENEGOTIATION | SSL_OP_NO_TICKET | SSL_OP_CIPHER_SERVER_PREFERENCE |
                       SSL_OP_NO_COMPRESSION |
                       // The docker CLI ends stdin of a hijacked stream with a
                       // bare TCP half-close: that is an end of stream, not an
                       // attack (HTTP framing catches truncated bodies).
                       SSL_OP_IGNORE_UNEXPECTED_EOF);
    openssl().SSL_CTX_set_num_tickets(ctx.get(), 0);
    // Writes may be partial (the caller loops) and retried from a moved buffer.
    openssl().SSL_CTX_ctrl(ctx.get(), SSL_CTRL_MODE,
                           SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER,
                           nullptr);

    if (openssl().SSL_CTX_use_certificate_chain_file(ctx.get(), config.cert_file.c_str()) != 1)
        bad_file(config.cert_file, "TLS certificate");
    // OpenSSL checks the key against the certificate as it loads it ("key values mismatch").
    bool key_loaded = openssl().SSL_CTX_use_PrivateKey_file(ctx.get(), config.key_file.c_str(),
                                                            SSL_FILETYPE_PEM) == 1;
    bool mismatch = !key_loaded &&
                    ERR_GET_REASON(openssl().ERR_peek_last_error()) == X509_R_KEY_VALUES_MISMATCH;
    if (!key_loaded && !mismatch) bad_file(config.key_file, "TLS key");
    if (mismatch || openssl().SSL_CTX_check_private_key(ctx.get()) != 1) {
        openssl().ERR_clear_error();
        throw Error(Errc::invalid_argument, "TLS key \"" + config.key_file +
                                                "\" does not belong to the certificate \"" +
                                                config.cert_file + "\"");
    }
    if (config.verify_clients) {
        if (openssl().SSL_CTX_load_verify_locations(ctx.get(), config.ca_file.c_str(), nullptr) !=
            1)
            bad_file(config.ca_file, "TLS CA certificate");
        // Only this CA is trusted (dockerd's ExclusiveRootPools), and clients are told which
        // CA to pick their certificate for.
        STACK_OF(X509_NAME)* names = openssl().SSL_load_client_CA_file(config.ca_file.c_str());
        if (names == nullptr) bad_file(config.ca_file, "TLS CA certificate");
        openssl().SSL_CTX_set_client_CA_list(ctx.get(), names);
        openssl().SSL_CTX_set_verify(ctx.get(), SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT,
                                     nullptr);
    } else {
        openssl().SSL_CTX_set_verify(ctx.get(), SSL_VERIFY_NONE, nullptr);
    }
    return std::shared_ptr<TlsContext>(new TlsContext(ctx.release(), config.verify_clients));
}

TlsContext::~TlsContext() {
    openssl().SSL_CTX_free(ctx_);
}

ssl_st* TlsContext::new_connection(int fd) const {
    SSL* ssl = openssl().SSL_new(ctx_);
    if (ssl == nullptr) throw Error(Errc::internal, "SSL_new: " + last_ssl_error("out of memory"));
    if (openssl().SSL_set_fd(ssl, fd) != 1) {
        openssl().SSL_free(ssl);
        throw Error(Errc::internal, "SSL_set_fd: " + last_ssl_error("failed"));
    }
    return ssl;
}

}  // namespace berth::api
