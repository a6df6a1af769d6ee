#pragma once
// Docker's block I/O options (BlkioWeight, BlkioWeightDevice, BlkioDevice{Read,Write}{Bps,IOps})
// between a HostConfig and linux.resources.blockIO. What the host cannot do is dropped with
// dockerd's warning (verifyPlatformContainerResources) at create and update, so the container
// still starts; device paths become major:minor as moby's getBlkio*Devices do.
#include <string>
#include <vector>

#include "common/json_reader.hpp"
#include "runtime/cgroups/blkio_support.hpp"

namespace berth::engine {

// Probed once, on first use (berthd calls it at start, before any request).
const runtime::cgroups::BlkioSupport& host_blkio();

// The keys of a HostConfig (or update body) that hold device lists.
extern const char* const kBlkioDeviceKeys[5];

// Drops from `resources` what `host` lacks; returns dockerd's warnings, in dockerd's order.
std::vector<std::string> discard_unsupported_blkio(Json& resources,
                                                   const runtime::cgroups::BlkioSupport& host);

// linux.resources.blockIO of a HostConfig (empty object: nothing to set). A device path that
// does not exist, or is not a block device, is invalid_argument (a 400 at create and update).
Json oci_block_io(const Json& host_config);

// An update that replaces a throttle list: the devices of `old_hc` that `block_io` (the new
// blockIO) no longer names get a rate of 0 there (the limit lifted) instead of keeping their old
// limit in the running container's cgroup. A device path that is gone since is skipped.
void lift_dropped_throttles(const Json& old_hc, Json& block_io);

}  // namespace berth::engine
