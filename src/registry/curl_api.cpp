#include "registry/curl_api.hpp"

#include <mutex>

#include "common/error.hpp"
#include "common/shared_library.hpp"

namespace berth::registry {

namespace {

LibCurl load() {
    constexpr const char* kSoname = "libcurl.so.4";
    void* lib = load_shared_library(kSoname, "registry access", "Debian package libcurl4");
    LibCurl api;
#define BERTH_CURL_LOOKUP(name) BERTH_LOOK_UP_FUNCTION(api, lib, kSoname, name)
    BERTH_CURL_FUNCTIONS(BERTH_CURL_LOOKUP)
#undef BERTH_CURL_LOOKUP
    // Not thread-safe itself, hence under call_once; before any handle exists.
    if (api.curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
        throw Error(Errc::unavailable, "registry access: curl_global_init failed");
    return api;
}

}  // namespace

const LibCurl& libcurl() {
    static std::once_flag once;
    static LibCurl api;
    std::call_once(once, [] { api = load(); });
    return api;
}

}  // namespace berth::registry
