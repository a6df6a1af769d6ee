// `runc events --stats` data from cgroup v1 files (hugetlb from the cgroup2 side on hybrid
// hosts that have it only there).
#include <unistd.h>

#include "common/file_util.hpp"
#include "runtime/cgroups/cgroup_file.hpp"
#include "runtime/cgroups/stats_util.hpp"
#include "runtime/cgroups/v1.hpp"

namespace berth::runtime::cgroups {

namespace {

Json cpu_stats(const std::string* cpuacct, const std::string* cpu) {
    Json out = Json::object();
    if (cpuacct) {
        Json usage = Json::object();
        put(usage, "total", read_u64(*cpuacct, "cpuacct.usage"));
        if (auto percpu = read_value(*cpuacct, "cpuacct.usage_percpu")) {
            Json list = Json::array();
            for (const auto& w : split_ws(*percpu))
                list.push_back(std::strtoull(w.c_str(), nullptr, 10));
            put_nonempty(usage, "percpu", std::move(list));
        }
        // cpuacct.stat counts USER_HZ ticks; runc reports nanoseconds.
        auto stat = read_keyed(*cpuacct, "cpuacct.stat");
        long hz = ::sysconf(_SC_CLK_TCK);
        uint64_t ns_per_tick = hz > 0 ? 1000000000ULL / static_cast<uint64_t>(hz) : 10000000ULL;
        if (auto it = stat.find("user"); it != stat.end()) usage["user"] = it->second * ns_per_tick;
        if (auto it = stat.find("system"); it != stat.end())
            usage["kernel"] = it->second * ns_per_tick;
        put_nonempty(out, "usage", std::move(usage));
    }
    if (cpu) {
        auto stat = read_keyed(*cpu, "cpu.stat");
        Json throttling = Json::object();
        if (auto it = stat.find("nr_periods"); it != stat.end()) throttling["periods"] = it->second;
        if (auto it = stat.find("nr_throttled"); it != stat.end())
            throttling["throttledPeriods"] = it->second;
        if (auto it = stat.find("throttled_time"); it != stat.end())
            throttling["throttledTime"] = it->second;
        put_nonempty(out, "throttling", std::move(throttling));
    }
    return out;
}

// One MemoryEntry from memory.<prefix>limit_in_bytes, usage_in_bytes, max_usage_in_bytes, failcnt.
Json memory_entry(const std::string& dir, const std::string& prefix) {
    Json e = Json::object();
    put(e, "limit", read_u64(dir, prefix + "limit_in_bytes"));
    put(e, "usage", read_u64(dir, prefix + "usage_in_bytes"));
    put(e, "max", read_u64(dir, prefix + "max_usage_in_bytes"));
    put(e, "failcnt", read_u64(dir, prefix + "failcnt"));
    return e;
}

Json memory_stats(const std::string& dir) {
    Json out = Json::object();
    put_nonempty(out, "usage", memory_entry(dir, "memory."));
    put_nonempty(out, "swap", memory_entry(dir, "memory.memsw."));
    put_nonempty(out, "kernel", memory_entry(dir, "memory.kmem."));
    put_nonempty(out, "kernelTCP", memory_entry(dir, "memory.kmem.tcp."));
    auto raw = read_keyed(dir, "memory.stat");
    if (!raw.empty()) {
        if (auto it = raw.find("total_cache"); it != raw.end()) {
            out["cache"] = it->second;
        } else if (auto c = raw.find("cache"); c != raw.end()) {
            out["cache"] = c->second;
        }
        out["raw"] = Json(raw);
    }
    return out;
}

Json blkio_stats(const std::string& dir) {
    // CFQ files first, then BFQ, then the throttle layer, which always counts (runc's order).
    const char* prefixes[] = {"blkio.", "blkio.bfq.", "blkio.throttle."};
    for (const char* prefix : prefixes) {
        auto bytes = read_file_if_exists(dir + "/" + prefix + "io_service_bytes_recursive");
        auto ios = read_file_if_exists(dir + "/" + prefix + "io_serviced_recursive");
        if (!bytes && !ios) continue;
        Json out = Json::object();
        if (bytes) put_nonempty(out, "ioServiceBytesRecursive", blkio_entries_v1(*bytes));
        if (ios) put_nonempty(out, "ioServicedRecursive", blkio_entries_v1(*ios));
        if (!out.empty() || std::string(prefix) == "blkio.throttle.") return out;
    }
    return Json::object();
}

Json hugetlb_stats_v1(const std::string& dir) {
    Json out = Json::object();
    for (const auto& size : hugetlb_sizes(dir, ".limit_in_bytes")) {
        Json h = Json::object();
        std::string prefix = "hugetlb." + size + ".";
        put(h, "usage", read_u64(dir, prefix + "usage_in_bytes"));
        put(h, "max", read_u64(dir, prefix + "max_usage_in_bytes"));
        put(h, "failcnt", read_u64(dir, prefix + "failcnt"));
        out[size] = std::move(h);
    }
    return out;
}

}  // namespace

Json V1Cgroup::stats() const {
    Json data = Json::object();
    put_nonempty(data, "cpu", cpu_stats(dir_of("cpuacct"), dir_of("cpu")));
    if (const auto* dir = dir_of("memory")) put_nonempty(data, "memory", memory_stats(*dir));
    if (const auto* dir = dir_of("pids")) {
        Json pids = Json::object();
        put(pids, "current", read_u64(*dir, "pids.current"));
        auto limit = read_u64(*dir, "pids.max");
        if (limit && *limit != UINT64_MAX)
            pids["limit"] = *limit;  // "max": no limit, as runc omits it
        put_nonempty(data, "pids", std::move(pids));
    }
    if (const auto* dir = dir_of("blkio")) put_nonempty(data, "blkio", blkio_stats(*dir));
    if (const auto* dir = dir_of("hugetlb")) {
        put_nonempty(data, "hugetlb", hugetlb_stats_v1(*dir));
    } else if (const auto* udir = unified_dir_with("hugetlb")) {
        put_nonempty(data, "hugetlb", hugetlb_stats_v2(*udir));
    }
    return data;
}

}  // namespace berth::runtime::cgroups
