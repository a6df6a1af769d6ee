#pragma once
// TLS to a daemon on tcp://, as the docker CLI does it: --tls encrypts, --tlsverify also checks
// the daemon's certificate against the CA and the host name; a client certificate is sent when
// one is given or found in the certificate directory.
#include <memory>
#include <optional>
#include <string>
#include <string_view>

struct ssl_ctx_st;
struct ssl_st;

namespace berth::client {

struct TlsOptions {
    bool verify = false;              // check the daemon's certificate (--tlsverify)
    std::string ca_file;              // with verify: the only CA trusted
    std::string cert_file, key_file;  // the client certificate; both empty: none
};

// What the command line said; unset flags fall back to the environment.
struct TlsFlags {
    std::optional<bool> tls, tlsverify;
    std::optional<std::string> tlscacert, tlscert, tlskey;
};

// The docker CLI's rules: $BERTH_TLS_VERIFY or $DOCKER_TLS_VERIFY (any non-empty value) is the
// default of --tlsverify, $BERTH_TLS or $DOCKER_TLS that of --tls, and --tlsverify implies
// --tls. Files default to ca.pem, cert.pem and key.pem in $BERTH_CERT_PATH, $DOCKER_CERT_PATH
// or ~/.docker; a default client certificate that does not exist is simply not sent. nullopt:
// no TLS.
std::optional<TlsOptions> resolve_tls(const TlsFlags& flags);

// One per process: the CA, the client certificate and the verification settings, loaded once
// and shared by every connection (and thread).
class TlsClientContext {
  public:
    // Throws invalid_argument naming the file that cannot be read or used.
    explicit TlsClientContext(const TlsOptions& options);
    ~TlsClientContext();
    TlsClientContext(const TlsClientContext&) = delete;
    TlsClientContext& operator=(const TlsClientContext&) = delete;

    bool verify() const { return verify_; }
    ssl_ctx_st* get() const { return ctx_; }

  private:
    ssl_ctx_st* ctx_ = nullptr;
    bool verify_;
};

// TLS on one connected, blocking socket. Not thread-safe (nor is the client's Connection).
class TlsStream {
  public:
    // Handshakes with the daemon at `server_name` (a host name or an address, for the
    // certificate check and SNI); throws ConnectError-style messages on failure.
    TlsStream(const TlsClientContext& context, int fd, const std::string& server_name,
              const std::string& url);
    ~TlsStream();
    TlsStream(const TlsStream&) = delete;
    TlsStream& operator=(const TlsStream&) = delete;

    // Up to n bytes; 0 at the end of the stream.
    size_t read(char* buf, size_t n);
    void write_all(std::string_view data);
    // Decrypted bytes waiting inside OpenSSL (poll on the fd does not see them).
    bool pending() const;

  private:
    ssl_st* ssl_ = nullptr;
};

}  // namespace berth::client
