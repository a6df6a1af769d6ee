// Writing linux.resources to cgroup v1 files (and, on hybrid hosts, to the controllers that
// exist only in the cgroup2 hierarchy).
#include <string>

#include "common/error.hpp"
#include "common/file_util.hpp"
#include "runtime/cgroups/cgroup_file.hpp"
#include "runtime/cgroups/device_rules.hpp"
#include "runtime/cgroups/v1.hpp"

namespace berth::runtime::cgroups {

using std::to_string;

void V1Cgroup::apply(const Resources& r) {
    // runc's order: cpuset before anything that could move memory, devices early.
    if (!r.cpu.cpus.empty() || !r.cpu.mems.empty()) {
        const std::string& dir = require_dir("cpuset", "a cpuset");
        if (!r.cpu.cpus.empty()) write_value(dir, "cpuset.cpus", r.cpu.cpus);
        if (!r.cpu.mems.empty()) write_value(dir, "cpuset.mems", r.cpu.mems);
    }
    apply_devices(r.devices);
    apply_memory(r.memory);
    apply_cpu(r.cpu);
    if (r.pids_limit) {
        // OCI: 0 or -1 means unlimited.
        write_value(require_dir("pids", "a pids limit"), "pids.max",
                    *r.pids_limit > 0 ? to_string(*r.pids_limit) : "max");
    }
    apply_blkio(r.block_io);
    apply_hugetlb(r.hugepage_limits);
    apply_network(r);
    apply_unified(r.unified);
}

void V1Cgroup::apply_memory(const MemoryResources& m) {
    // swap is memory+swap (memsw); 0 means "not set", as in runc. kernel and kernel_tcp are
    // deprecated and ignored by the kernel since 5.16.
    std::optional<int64_t> swap = m.swap;
    if (swap && *swap == 0) swap.reset();
    bool any = m.limit || m.reservation || swap || m.swappiness || m.disable_oom_killer;
    if (!any) return;
    const std::string& dir = require_dir("memory", "a memory setting");
    bool has_memsw = path_exists(dir + "/memory.memsw.limit_in_bytes");
    // An unlimited memory without a swap setting means unlimited memory+swap too.
    if (m.limit && *m.limit == -1 && !swap && has_memsw) swap = -1;
    if (swap && !has_memsw) {
        // Without swap accounting there is nothing to write, which is only right when the
        // request is "no swap limit" (-1) or "memory+swap = memory".
        if (*swap == -1 || (m.limit && *swap == *m.limit)) {
            swap.reset();
        } else {
            throw Error(
                Errc::invalid_argument,
                "cgroup: memory swap limit " + to_string(*swap) + " needs " + dir +
                    "/memory.memsw.limit_in_bytes, which does not exist: swap accounting is "
                    "off in this kernel (boot with swapaccount=1)");
        }
    }
    auto write_limit = [&] {
        if (m.limit) write_value(dir, "memory.limit_in_bytes", to_string(*m.limit));
    };
    auto write_swap = [&] {
        if (swap) write_value(dir, "memory.memsw.limit_in_bytes", to_string(*swap));
    };
    if (m.limit && swap) {
        // The kernel keeps memsw >= memory at every step: when the new memsw is above the
        // current memory limit raise memsw first, otherwise lower memory first.
        auto current = read_u64(dir, "memory.limit_in_bytes");
        if (*swap == -1 || (current && *current < static_cast<uint64_t>(*swap))) {
            write_swap();
            write_limit();
        } else {
            write_limit();
            write_swap();
        }
    } else {
        write_limit();
        write_swap();
    }
    if (m.reservation) write_value(dir, "memory.soft_limit_in_bytes", to_string(*m.reservation));
    if (m.swappiness) {
        if (*m.swappiness > 100) {
            throw Error(
                Errc::invalid_argument,
                "cgroup: memory swappiness " + to_string(*m.swappiness) + " is out of range 0-100");
        }
        write_value(dir, "memory.swappiness", to_string(*m.swappiness));
    }
    if (m.disable_oom_killer)
        write_value(dir, "memory.oom_control", *m.disable_oom_killer ? "1" : "0");
}

void V1Cgroup::apply_cpu(const CpuResources& c) {
    // 0 shares, quota or period mean "not set", as in runc: the kernel rejects 0 anyway.
    bool shares = c.shares && *c.shares != 0;
    bool quota = c.quota && *c.quota != 0;
    bool period = c.period && *c.period != 0;
    if (!shares && !quota && !period && !c.realtime_runtime && !c.realtime_period && !c.burst &&
        !c.idle)
        return;
    const std::string& dir = require_dir("cpu", "a cpu setting");
    if (shares) write_value(dir, "cpu.shares", to_string(*c.shares));
    bool period_pending = false;
    if (period) {
        try {
            write_value(dir, "cpu.cfs_period_us", to_string(*c.period));
        } catch (const Error&) {
            // A period below the current one can exceed the parent's quota until the new
            // quota is in; retry after writing it.
            if (!quota) throw;
            period_pending = true;
        }
    }
    if (quota) {
        write_value(dir, "cpu.cfs_quota_us", to_string(*c.quota));
        if (period_pending) write_value(dir, "cpu.cfs_period_us", to_string(*c.period));
    }
    if (c.burst) write_value(dir, "cpu.cfs_burst_us", to_string(*c.burst));
    // The rt period bounds the runtime: period first.
    if (c.realtime_period) write_value(dir, "cpu.rt_period_us", to_string(*c.realtime_period));
    if (c.realtime_runtime) write_value(dir, "cpu.rt_runtime_us", to_string(*c.realtime_runtime));
    if (c.idle) write_value(dir, "cpu.idle", to_string(*c.idle));
}

void V1Cgroup::apply_blkio(const BlockIoResources& b) {
    bool any = b.weight || b.leaf_weight || !b.weight_device.empty() ||
               !b.throttle_read_bps_device.empty() || !b.throttle_write_bps_device.empty() ||
               !b.throttle_read_iops_device.empty() || !b.throttle_write_iops_device.empty();
    if (!any) return;
    const std::string& dir = require_dir("blkio", "a blkio setting");
    // CFQ is gone from recent kernels; BFQ offers the same knobs under blkio.bfq.*.
    std::string weight_file = "blkio.weight";
    if (!path_exists(dir + "/blkio.weight") && path_exists(dir + "/blkio.bfq.weight")) {
        weight_file = "blkio.bfq.weight";
    }
    if (b.weight) write_value(dir, weight_file, to_string(*b.weight));
    if (b.leaf_weight) write_value(dir, "blkio.leaf_weight", to_string(*b.leaf_weight));
    LineWriter weight_device(dir, weight_file + "_device");
    LineWriter leaf_weight_device(dir, "blkio.leaf_weight_device");
    for (const auto& wd : b.weight_device) {
        std::string dev = to_string(wd.major) + ":" + to_string(wd.minor) + " ";
        if (wd.weight) weight_device.write(dev + to_string(*wd.weight));
        if (wd.leaf_weight) leaf_weight_device.write(dev + to_string(*wd.leaf_weight));
    }
    auto throttle = [&](const std::vector<ThrottleDevice>& devices, const char* file) {
        LineWriter out(dir, file);
        for (const auto& t : devices)
            out.write(to_string(t.major) + ":" + to_string(t.minor) + " " + to_string(t.rate));
    };
    throttle(b.throttle_read_bps_device, "blkio.throttle.read_bps_device");
    throttle(b.throttle_write_bps_device, "blkio.throttle.write_bps_device");
    throttle(b.throttle_read_iops_device, "blkio.throttle.read_iops_device");
    throttle(b.throttle_write_iops_device, "blkio.throttle.write_iops_device");
}

void V1Cgroup::apply_hugetlb(const std::vector<HugepageLimit>& limits) {
    if (limits.empty()) return;
    const std::string* v1_dir = dir_of("hugetlb");
    const std::string* v2_dir = v1_dir ? nullptr : unified_dir_with("hugetlb");
    if (!v1_dir && !v2_dir) {
        throw Error(Errc::unavailable,
                    "cgroup: hugepage limits need the hugetlb controller, which is not mounted");
    }
    for (const auto& l : limits) {
        check_page_size(l.page_size);
        std::string prefix = "hugetlb." + l.page_size;
        const std::string& dir = v1_dir ? *v1_dir : *v2_dir;
        std::string limit_file = v1_dir ? prefix + ".limit_in_bytes" : prefix + ".max";
        std::string rsvd_file = v1_dir ? prefix + ".rsvd.limit_in_bytes" : prefix + ".rsvd.max";
        write_value(dir, limit_file, to_string(l.limit));
        // Reservations are accounted separately since 5.7; limit them alike, as runc does.
        if (path_exists(dir + "/" + rsvd_file)) write_value(dir, rsvd_file, to_string(l.limit));
    }
}

void V1Cgroup::apply_devices(const std::vector<DeviceRule>& rules) {
    if (rules.empty()) return;  // no rules: keep what the parent allows
    const std::string& dir = require_dir("devices", "a device rule");
    for (const auto& rule : rules) check_device_rule(rule);
    // Replay the list on a deny-all start, like runc: later rules override earlier ones.
    LineWriter deny(dir, "devices.deny");
    LineWriter allow(dir, "devices.allow");
    deny.write("a");
    for (const auto& rule : rules) (rule.allow ? allow : deny).write(device_rule_line(rule));
}

void V1Cgroup::apply_network(const Resources& r) {
    // net_cls and net_prio are optional controllers: skipped when not mounted, as in runc.
    if (r.network_class_id) {
        if (const auto* dir = dir_of("net_cls"))
            write_value(*dir, "net_cls.classid", to_string(*r.network_class_id));
    }
    if (!r.network_priorities.empty()) {
        if (const auto* dir = dir_of("net_prio")) {
            LineWriter map(*dir, "net_prio.ifpriomap");
            for (const auto& [name, prio] : r.network_priorities)
                map.write(name + " " + to_string(prio));
        }
    }
}

void V1Cgroup::apply_unified(const std::map<std::string, std::string>& unified) {
    if (unified.empty()) return;
    if (!unified_) {
        throw Error(
            Errc::invalid_argument,
            "cgroup: linux.resources.unified needs cgroup v2, and this host has only cgroup v1");
    }
    for (const auto& [file, value] : unified) {
        check_unified_key(file);
        write_value(unified_->dir, file, value);
    }
}

}  // namespace berth::runtime::cgroups
