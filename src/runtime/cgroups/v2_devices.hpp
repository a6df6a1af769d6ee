#pragma once
// Device access on cgroup v2: no devices.allow file, but an eBPF program of type
// BPF_PROG_TYPE_CGROUP_DEVICE attached to the cgroup directory, asked for every
// open/mknod of a device node. The program encodes the same replayed rule list as v1.
#include <linux/bpf.h>

#include <string>
#include <vector>

#include "common/unique_fd.hpp"
#include "runtime/spec.hpp"

namespace berth::runtime::cgroups {

// Builds the program. Semantics are v1's: start from deny-all and replay the rules in
// order, so for each requested access bit (m, r, w) the last rule that covers the device
// and that bit decides; a request is allowed when every bit it asks for is allowed.
// The program checks the rules last to first, once per bit the request carries.
std::vector<bpf_insn> build_device_program(const std::vector<DeviceRule>& rules);

// BPF_PROG_LOAD; the error carries the verifier log.
UniqueFd load_device_program(const std::vector<bpf_insn>& program);

// Loads the program and attaches it to the cgroup directory (BPF_CGROUP_DEVICE,
// BPF_F_ALLOW_MULTI), then detaches the programs that were attached before, so the
// cgroup is never without a filter during an update.
void attach_device_program(const std::string& cgroup_dir, const std::vector<bpf_insn>& program);

}  // namespace berth::runtime::cgroups
