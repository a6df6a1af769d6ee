#pragma once
// Hooks run by the runtime process itself (prestart, createRuntime, poststart, poststop):
// each gets the container state JSON on stdin and is killed after its timeout.
#include <string>
#include <vector>

#include "runtime/spec.hpp"

namespace berth::runtime {

// Throws internal naming the hook kind and path when one fails (exit code, signal, timeout).
void run_hooks(const std::vector<Hook>& hooks, const std::string& state_json, const std::string& kind);

}  // namespace berth::runtime
