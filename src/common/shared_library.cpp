#include "common/shared_library.hpp"

#include <dlfcn.h>

#include "common/error.hpp"

namespace berth {

void* load_shared_library(const char* soname, const std::string& purpose, const std::string& package) {
    void* library = ::dlopen(soname, RTLD_NOW | RTLD_LOCAL);
    if (library == nullptr) {
        throw Error(Errc::unavailable, purpose + " needs " + soname + " (" + package + "): " + ::dlerror());
    }
    return library;
}

void* shared_library_symbol(void* library, const char* soname, const char* name) {
    void* symbol = ::dlsym(library, name);
    if (symbol == nullptr) throw Error(Errc::unavailable, std::string(soname) + " has no " + name + " (too old?)");
    return symbol;
}

}  // namespace berth
