#include "common/openssl_api.hpp"

#include <mutex>
#include <string>

#include "common/shared_library.hpp"

namespace berth {

namespace {

OpenSsl load() {
    // libssl pulls in libcrypto; dlsym on libssl's handle searches its dependencies too.
    constexpr const char* kSoname = "libssl.so.3";
    void* ssl = load_shared_library(kSoname, "TLS", "OpenSSL 3, Debian package libssl3");
    OpenSsl api;
#define BERTH_OPENSSL_LOOKUP(name) BERTH_LOOK_UP_FUNCTION(api, ssl, kSoname, name)
    BERTH_OPENSSL_FUNCTIONS(BERTH_OPENSSL_LOOKUP)
#undef BERTH_OPENSSL_LOOKUP
    return api;
}

}  // namespace

const OpenSsl& openssl() {
    static std::once_flag once;
    static OpenSsl api;
    std::call_once(once, [] { api = load(); });
    return api;
}

}  // namespace berth
