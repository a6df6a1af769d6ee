#pragma once
// A cache of compiled seccomp programs. libseccomp's compile of Docker's default profile
// (~350 rules) took ~3.5 ms of CPU per container here, the largest single part of a start,
// and every container with the same profile gets the same program.
//
// Entries live in a root-only directory under the runtime's state root (tmpfs), named by a
// hash of a canonical text of the profile (plus the libseccomp version and kernel release,
// which the program depends on). An entry also holds that text and is used only when it
// matches byte for byte: a hash collision costs a compile, never a wrong filter. Anything
// odd about an entry (short, wrong owner or mode) is ignored and the profile compiled.
#include <string>

#include "runtime/seccomp/seccomp.hpp"

namespace berth::runtime::seccomp {

// The text the cache is keyed by: every field that reaches the program, nothing else
// (the JSON paths kept for error messages are left out).
std::string canonical_text(const Seccomp& config);

// compile(config), through the cache in cache_dir (created 0700 when missing). An empty
// cache_dir compiles without caching. Invalid profiles throw exactly as compile() does and
// are never cached.
Program compile_cached(const Seccomp& config, const std::string& cache_dir);

}  // namespace berth::runtime::seccomp
