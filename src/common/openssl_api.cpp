#include "common/openssl_api.hpp"

#include <dlfcn.h>

#include <mutex>
#include <string>

#include "common/error.hpp"

namespace berth {

namespace {

OpenSsl load() {
    // libssl pulls in libcrypto; dlsym on libssl's handle searches its dependencies too.
    void* ssl = ::dlopen("libssl.so.3", RTLD_NOW | RTLD_LOCAL);
    if (ssl == nullptr)
        throw Error(Errc::unavailable,
                    std::string("TLS needs OpenSSL 3 (libssl.so.3, Debian package libssl3): ") +
                        ::dlerror());
    OpenSsl api;
#define BERTH_OPENSSL_LOOKUP(name)                                        \
    api.name = reinterpret_cast<decltype(api.name)>(::dlsym(ssl, #name)); \
    if (api.name == nullptr)                                              \
        throw Error(Errc::unavailable, "TLS: libssl.so.3 has no " #name " (OpenSSL too old?)");
    BERTH_OPENSSL_FUNCTIONS(BERTH_OPENSSL_LOOKUP)
#undef BERTH_OPENSSL_LOOKUP
    return api;  // the library stays loaded for the life of the process
}

}  // namespace

const OpenSsl& openssl() {
    static std::once_flag once;
    static OpenSsl api;
    std::call_once(once, [] { api = load(); });
    return api;
}

}  // namespace berth
