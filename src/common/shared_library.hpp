#pragma once
// A shared library loaded at run time (dlopen), for dependencies only some calls need: linking
// them would load them, and everything they pull in, into every process at start.
#include <string>

namespace berth {

// dlopen(soname, RTLD_NOW | RTLD_LOCAL), kept loaded for the life of the process. Throws
// unavailable: "<purpose> needs <soname> (<package>): <dlerror>".
void* load_shared_library(const char* soname, const std::string& purpose, const std::string& package);

// dlsym; throws unavailable: "<soname> has no <name> (too old?)".
void* shared_library_symbol(void* library, const char* soname, const char* name);

}  // namespace berth

// Fills api.<name> for each function of an X-macro list from `library` (see openssl_api.hpp).
#define BERTH_LOOK_UP_FUNCTION(api, library, soname, name) \
    api.name = reinterpret_cast<decltype(api.name)>(::berth::shared_library_symbol(library, soname, #name));
