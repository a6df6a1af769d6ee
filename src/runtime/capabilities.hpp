#pragma once
// Capability names <-> numbers, and applying the five sets in the container's init.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/spec.hpp"

namespace berth::runtime {

// "CAP_SYS_ADMIN" -> 21; nullopt for names this build does not know.
std::optional<int> capability_from_name(std::string_view name);
std::string capability_name(int cap);
// Highest capability the running kernel knows (/proc/sys/kernel/cap_last_cap).
int last_capability();
std::vector<std::string> all_capability_names();

// Bit masks ready for the child: computed in the parent, applied with raw syscalls.
struct CapabilityMasks {
    unsigned long long bounding = 0, effective = 0, inheritable = 0, permitted = 0, ambient = 0;
};
CapabilityMasks capability_masks(const Capabilities& caps);

// In the child, async-signal-safe. drop_bounding() runs while still privileged;
// apply_capabilities() after setuid (with PR_SET_KEEPCAPS set before it). Return 0 or -errno.
int drop_bounding(const CapabilityMasks& masks) noexcept;
int apply_capabilities(const CapabilityMasks& masks) noexcept;

}  // namespace berth::runtime
