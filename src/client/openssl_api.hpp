#pragma once
// The OpenSSL functions the client's TLS uses, looked up at run time. `berth` speaks TLS only
// when told to (--tls, --tlsverify, DOCKER_TLS_VERIFY); linking libssl and libcrypto would
// cost every command, TLS or not, about a millisecond of loading and relocation at start-up.
// The types come from OpenSSL's own headers, so a signature mismatch does not compile.
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>

namespace berth::client {

#define BERTH_OPENSSL_FUNCTIONS(F)        \
    F(TLS_client_method)                  \
    F(SSL_CTX_new)                        \
    F(SSL_CTX_free)                       \
    F(SSL_CTX_ctrl)                       \
    F(SSL_CTX_set_options)                \
    F(SSL_CTX_set_verify)                 \
    F(SSL_CTX_load_verify_locations)      \
    F(SSL_CTX_use_certificate_chain_file) \
    F(SSL_CTX_use_PrivateKey_file)        \
    F(SSL_CTX_check_private_key)          \
    F(SSL_new)                            \
    F(SSL_free)                           \
    F(SSL_set_fd)                         \
    F(SSL_ctrl)                           \
    F(SSL_get0_param)                     \
    F(SSL_connect)                        \
    F(SSL_read)                           \
    F(SSL_write)                          \
    F(SSL_pending)                        \
    F(SSL_get_error)                      \
    F(SSL_get_verify_result)              \
    F(ERR_peek_last_error)                \
    F(ERR_clear_error)                    \
    F(ERR_reason_error_string)            \
    F(X509_verify_cert_error_string)      \
    F(X509_VERIFY_PARAM_set1_host)        \
    F(X509_VERIFY_PARAM_set1_ip_asc)

struct OpenSsl {
#define BERTH_OPENSSL_MEMBER(name) decltype(&::name) name = nullptr;
    BERTH_OPENSSL_FUNCTIONS(BERTH_OPENSSL_MEMBER)
#undef BERTH_OPENSSL_MEMBER
};

// Loads libssl.so.3 once; throws unavailable saying what is missing.
const OpenSsl& openssl();

}  // namespace berth::client
