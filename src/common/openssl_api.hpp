#pragma once
// The OpenSSL functions berth's TLS uses, looked up at run time. TLS is used only when asked
// for (berthd --tls/--tlsverify, berth --tls/--tlsverify/DOCKER_TLS_VERIFY); linking libssl
// and libcrypto would cost every berth command about a millisecond of loading and relocation
// at start-up, and berthd ~1.7 MiB of resident memory, TLS or not. The types come from
// OpenSSL's own headers, so a signature mismatch does not compile; calling an OpenSSL function
// directly instead of through openssl() does not link.
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>

namespace berth {

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
    F(X509_VERIFY_PARAM_set1_ip_asc)      \
    F(TLS_server_method)                  \
    F(SSL_CTX_set_num_tickets)            \
    F(SSL_load_client_CA_file)            \
    F(SSL_CTX_set_client_CA_list)         \
    F(SSL_accept)                         \
    F(SSL_shutdown)                       \
    F(ERR_error_string_n)

struct OpenSsl {
#define BERTH_OPENSSL_MEMBER(name) decltype(&::name) name = nullptr;
    BERTH_OPENSSL_FUNCTIONS(BERTH_OPENSSL_MEMBER)
#undef BERTH_OPENSSL_MEMBER
};

// Loads libssl.so.3 once; throws unavailable saying what is missing.
const OpenSsl& openssl();

}  // namespace berth
