#include "image/libarchive_api.hpp"

#include <mutex>
#include <string>

#include "common/shared_library.hpp"

namespace berth::image {

namespace {

LibArchive load() {
    constexpr const char* kSoname = "libarchive.so.13";
    void* lib = load_shared_library(kSoname, "tar archives", "Debian package libarchive13");
    LibArchive api;
#define BERTH_LIBARCHIVE_LOOKUP(name) BERTH_LOOK_UP_FUNCTION(api, lib, kSoname, name)
    BERTH_LIBARCHIVE_FUNCTIONS(BERTH_LIBARCHIVE_LOOKUP)
#undef BERTH_LIBARCHIVE_LOOKUP
    return api;
}

}  // namespace

const LibArchive& libarchive() {
    static std::once_flag once;
    static LibArchive api;
    std::call_once(once, [] { api = load(); });
    return api;
}

}  // namespace berth::image
