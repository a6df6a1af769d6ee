#include "image/libarchive_api.hpp"

#include <dlfcn.h>

#include <mutex>
#include <string>

#include "common/error.hpp"

namespace berth::image {

namespace {

LibArchive load() {
    void* lib = ::dlopen("libarchive.so.13", RTLD_NOW | RTLD_LOCAL);
    if (lib == nullptr) {
        throw Error(Errc::unavailable,
                    std::string("tar archives need libarchive (libarchive.so.13, Debian package libarchive13): ") +
                        ::dlerror());
    }
    LibArchive api;
#define BERTH_LIBARCHIVE_LOOKUP(name)                                     \
    api.name = reinterpret_cast<decltype(api.name)>(::dlsym(lib, #name)); \
    if (api.name == nullptr) throw Error(Errc::unavailable, "libarchive.so.13 has no " #name " (too old?)");
    BERTH_LIBARCHIVE_FUNCTIONS(BERTH_LIBARCHIVE_LOOKUP)
#undef BERTH_LIBARCHIVE_LOOKUP
    return api;  // the library stays loaded for the life of the process
}

}  // namespace

const LibArchive& libarchive() {
    static std::once_flag once;
    static LibArchive api;
    std::call_once(once, [] { api = load(); });
    return api;
}

}  // namespace berth::image
