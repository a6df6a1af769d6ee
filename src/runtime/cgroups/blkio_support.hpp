#pragma once
// Which block I/O knobs the host's cgroups offer (moby's pkg/sysinfo cgroupBlkioInfo). The
// engine asks once at daemon start: what is missing is discarded with a warning at create and
// update, as dockerd does, instead of failing the container's start on a missing file.
#include <string>
#include <vector>

#include "runtime/cgroups/layout.hpp"

namespace berth::runtime::cgroups {

struct BlkioSupport {
    bool weight = false;         // blkio.weight / blkio.bfq.weight, io.weight / io.bfq.weight
    bool weight_device = false;  // blkio.weight_device / blkio.bfq.weight_device (v2: same file)
    bool read_bps = false, write_bps = false, read_iops = false, write_iops = false;
    bool v2 = false;  // the io controller of cgroup v2 (dockerd names io.weight and io.max then)
};

// v1 and hybrid: the files of the blkio hierarchy (none mounted: nothing supported). v2: the io
// controller in the root's cgroup.controllers gives io.max (all four throttles); the weight
// files exist only below the root, so the root's children are asked (io.weight comes with
// blk-iocost, io.bfq.weight with BFQ).
BlkioSupport probe_blkio(const Layout& layout);

// dockerd's /info warnings for what is missing. On v1 it says nothing of the weight (gone from
// kernels since 5.0 with CFQ, nothing a user can do) and names the throttle files ("WARNING: No
// blkio throttle.read_bps_device support"); on v2 it names io.weight and io.max.
std::vector<std::string> blkio_info_warnings(const BlkioSupport& s);

}  // namespace berth::runtime::cgroups
