#pragma once
// The server side of TLS on tcp listeners: one OpenSSL context per daemon, loaded once at
// start-up from PEM files, handing out an SSL object per accepted connection.
#include <memory>
#include <string>

struct ssl_ctx_st;
struct ssl_st;

namespace berth::api {

struct TlsServerConfig {
    std::string ca_file;    // CA that signs client certificates (used with verify_clients)
    std::string cert_file;  // server certificate chain, PEM
    std::string key_file;   // its private key, PEM
    // --tlsverify: every client must present a certificate signed by ca_file. Without it the
    // connection is encrypted but anyone reaching the port is served.
    bool verify_clients = true;
};

class TlsContext {
  public:
    // Throws invalid_argument naming the file that is missing, unreadable or not what it
    // should be (and a key that does not belong to the certificate).
    static std::shared_ptr<TlsContext> load(const TlsServerConfig& config);
    ~TlsContext();
    TlsContext(const TlsContext&) = delete;
    TlsContext& operator=(const TlsContext&) = delete;

    bool verifies_clients() const { return verify_clients_; }
    // A server-side SSL object reading and writing the socket fd directly.
    ssl_st* new_connection(int fd) const;

  private:
    TlsContext(ssl_ctx_st* ctx, bool verify) : ctx_(ctx), verify_clients_(verify) {}
    ssl_ctx_st* ctx_;
    bool verify_clients_;
};

// The reason of the last OpenSSL error on this thread ("certificate verify failed"), or
// fallback when there is none; clears the thread's error queue.
std::string last_ssl_error(const std::string& fallback);

}  // namespace berth::api
