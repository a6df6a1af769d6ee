// Writing linux.resources to cgroup v2 files. Values follow runc's conversions from the
// v1-shaped OCI fields (shares -> weight, memory+swap -> swap, blkio weight -> io weight).
#include <map>
#include <string>
#include <utility>

#include "common/error.hpp"
#include "common/file_util.hpp"
#include "runtime/cgroups/cgroup_file.hpp"
#include "runtime/cgroups/device_rules.hpp"
#include "runtime/cgroups/v2.hpp"
#include "runtime/cgroups/v2_devices.hpp"

namespace berth::runtime::cgroups {

using std::to_string;

namespace {
std::string max_or(int64_t value) {
    return value == -1 ? "max" : to_string(value);
}
}  // namespace

void V2Cgroup::apply(const Resources& r) {
    if (!r.cpu.cpus.empty()) write_value(dir_, "cpuset.cpus", r.cpu.cpus);
    if (!r.cpu.mems.empty()) write_value(dir_, "cpuset.mems", r.cpu.mems);
    apply_memory(r.memory);
    apply_cpu(r.cpu);
    if (r.pids_limit)
        write_value(dir_, "pids.max", *r.pids_limit > 0 ? to_string(*r.pids_limit) : "max");
    apply_io(r.block_io);
    for (const auto& l : r.hugepage_limits) {
        check_page_size(l.page_size);
        std::string prefix = "hugetlb." + l.page_size;
        write_value(dir_, prefix + ".max", to_string(l.limit));
        if (path_exists(dir_ + "/" + prefix + ".rsvd.max"))
            write_value(dir_, prefix + ".rsvd.max", to_string(l.limit));
    }
    if (!r.devices.empty()) {
        for (const auto& rule : r.devices) check_device_rule(rule);
        auto program = build_device_program(r.devices);
        // A fake tree in tests is not cgroup2fs: there is nothing to attach to.
        if (is_cgroup2_fs(dir_)) attach_device_program(dir_, program);
    }
    // net_cls/net_prio do not exist on v2 (use eBPF or nftables cgroup matching): ignored,
    // as runc does. Swappiness and the OOM-killer switch have no v2 knob either.
    // unified is last: it is the explicit override of everything above.
    for (const auto& [file, value] : r.unified) {
        check_unified_key(file);
        write_value(dir_, file, value);
    }
}

void V2Cgroup::apply_memory(const MemoryResources& m) {
    int64_t limit = m.limit.value_or(0);
    int64_t swap = m.swap.value_or(0);
    std::optional<int64_t> swap_max;
    if (limit == -1 && swap == 0) {
        swap_max = -1;  // unlimited memory without a swap setting: unlimited swap too
    } else if (swap != 0) {
        swap_max = swap_to_v2(swap, limit);
    }
    if (swap_max) {
        if (path_exists(dir_ + "/memory.swap.max")) {
            write_value(dir_, "memory.swap.max", max_or(*swap_max));
        } else if (*swap_max != -1 && *swap_max != 0) {
            throw Error(Errc::invalid_argument,
                        "cgroup: memory swap limit " + to_string(swap) + " needs " + dir_ +
                            "/memory.swap.max, which does not exist: swap accounting is "
                            "off in this kernel");
        }
    }
    if (m.limit) write_value(dir_, "memory.max", max_or(*m.limit));
    if (m.reservation) write_value(dir_, "memory.low", max_or(*m.reservation));
}

void V2Cgroup::apply_cpu(const CpuResources& c) {
    if (c.realtime_runtime || c.realtime_period) {
        throw Error(Errc::invalid_argument,
                    "cgroup: realtime cpu settings (realtimeRuntime, realtimePeriod) "
                    "are not supported on cgroup v2");
    }
    if (c.shares && *c.shares != 0)
        write_value(dir_, "cpu.weight", to_string(shares_to_weight(*c.shares)));
    if (c.idle) write_value(dir_, "cpu.idle", to_string(*c.idle));
    bool quota = c.quota && *c.quota != 0;
    bool period = c.period && *c.period != 0;
    if (quota || period) {
        // A missing or negative quota is unlimited; without a period the kernel keeps its own.
        std::string value = quota && *c.quota > 0 ? to_string(*c.quota) : "max";
        if (period) value += " " + to_string(*c.period);
        write_value(dir_, "cpu.max", value);
    }
    if (c.burst) write_value(dir_, "cpu.max.burst", to_string(*c.burst));
}

void V2Cgroup::apply_io(const BlockIoResources& b) {
    // With BFQ, io.bfq.weight takes the v1 range unconverted; io.weight needs 1..10000.
    bool bfq = path_exists(dir_ + "/io.bfq.weight");
    auto weight_value = [&](uint16_t w) {
        return to_string(bfq ? w : blkio_weight_to_io_weight(w));
    };
    const char* weight_file = bfq ? "io.bfq.weight" : "io.weight";
    // One fd for the default and the per-device weights: each write is one command.
    LineWriter weights(dir_, weight_file);
    if (b.weight) weights.write(weight_value(*b.weight));
    for (const auto& wd : b.weight_device) {
        if (wd.weight)
            weights.write(to_string(wd.major) + ":" + to_string(wd.minor) + " " +
                          weight_value(*wd.weight));
    }
    // io.max takes one line per device with every limit of that device.
    std::map<std::pair<int64_t, int64_t>, std::string> limits;
    auto add = [&](const std::vector<ThrottleDevice>& devices, const char* key) {
        for (const auto& t : devices) {
            std::string& line = limits[{t.major, t.minor}];
            // A rate of 0 lifts the limit, as "major:minor 0" does in v1's blkio.throttle.*.
            line += std::string(" ") + key + "=" + (t.rate == 0 ? std::string("max") : to_string(t.rate));
        }
    };
    add(b.throttle_read_bps_device, "rbps");
    add(b.throttle_write_bps_device, "wbps");
    add(b.throttle_read_iops_device, "riops");
    add(b.throttle_write_iops_device, "wiops");
    LineWriter io_max(dir_, "io.max");
    for (const auto& [dev, line] : limits)
        io_max.write(to_string(dev.first) + ":" + to_string(dev.second) + line);
}

}  // namespace berth::runtime::cgroups
