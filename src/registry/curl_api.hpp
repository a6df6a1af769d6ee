#pragma once
// The libcurl functions the registry client uses, looked up at run time (as libarchive and
// OpenSSL are): linking libcurl would map it, OpenSSL, nghttp2, libssh2, LDAP and Kerberos
// into every berthd, while only pull, push and login need HTTP to a registry. The types come
// from curl's own headers, so a signature mismatch does not compile.
#include <curl/curl.h>

namespace berth::registry {

#define BERTH_CURL_FUNCTIONS(F) \
    F(curl_global_init) \
    F(curl_easy_init) \
    F(curl_easy_cleanup) \
    F(curl_easy_reset) \
    F(curl_easy_setopt) \
    F(curl_easy_perform) \
    F(curl_easy_getinfo) \
    F(curl_easy_strerror) \
    F(curl_slist_append) \
    F(curl_slist_free_all)

struct LibCurl {
#define BERTH_CURL_MEMBER(name) decltype(&::name) name = nullptr;
    BERTH_CURL_FUNCTIONS(BERTH_CURL_MEMBER)
#undef BERTH_CURL_MEMBER
};

// Loads libcurl.so.4 once and runs curl_global_init; throws unavailable naming the package.
const LibCurl& libcurl();

}  // namespace berth::registry
