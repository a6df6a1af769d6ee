#pragma once
// linux.resources.devices rules as the kernel reads them: "c 1:3 rwm" lines for v1,
// and the same rules checked once for the v2 eBPF program.
#include <string>

#include "runtime/spec.hpp"

namespace berth::runtime::cgroups {

// type in a/b/c, access a subset of "rwm"; invalid_argument otherwise.
void check_device_rule(const DeviceRule& rule);
// The rule's access, "rwm" when empty (the spec leaves it optional; runc means all).
std::string rule_access(const DeviceRule& rule);
// "c 1:3 rwm", "b *:* m"; type 'a' is "a": the kernel (and runc) take it as every device.
std::string device_rule_line(const DeviceRule& rule);

}  // namespace berth::runtime::cgroups
