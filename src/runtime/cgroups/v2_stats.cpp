// `runc events --stats` data from cgroup v2 files, converted to runc's v1-shaped fields.
#include "common/file_util.hpp"
#include "runtime/cgroups/cgroup_file.hpp"
#include "runtime/cgroups/stats_util.hpp"
#include "runtime/cgroups/v2.hpp"

namespace berth::runtime::cgroups {

namespace {

std::optional<uint64_t> get(const std::map<std::string, uint64_t>& map, const char* key) {
    auto it = map.find(key);
    if (it == map.end()) return std::nullopt;
    return it->second;
}

std::optional<uint64_t> usec_to_ns(std::optional<uint64_t> usec) {
    if (!usec) return std::nullopt;
    return *usec * 1000;
}

// Sums saturating at "max" (UINT64_MAX).
uint64_t add_sat(uint64_t a, uint64_t b) {
    return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

Json cpu_stats(const std::string& dir) {
    auto stat = read_keyed(dir, "cpu.stat");
    Json usage = Json::object();
    put(usage, "total", usec_to_ns(get(stat, "usage_usec")));
    put(usage, "user", usec_to_ns(get(stat, "user_usec")));
    put(usage, "kernel", usec_to_ns(get(stat, "system_usec")));
    Json throttling = Json::object();
    put(throttling, "periods", get(stat, "nr_periods"));
    put(throttling, "throttledPeriods", get(stat, "nr_throttled"));
    put(throttling, "throttledTime", usec_to_ns(get(stat, "throttled_usec")));
    Json out = Json::object();
    put_nonempty(out, "usage", std::move(usage));
    put_nonempty(out, "throttling", std::move(throttling));
    return out;
}

Json memory_stats(const std::string& dir) {
    Json out = Json::object();
    auto current = read_u64(dir, "memory.current");
    auto limit = read_u64(dir, "memory.max");
    Json usage = Json::object();
    put(usage, "usage", current);
    put(usage, "limit", limit);
    put(usage, "max", read_u64(dir, "memory.peak"));
    auto events = read_keyed(dir, "memory.events");
    put(usage, "failcnt", get(events, "max"));
    put_nonempty(out, "usage", std::move(usage));
    // runc reports v2 swap as memory+swap, the v1 meaning of the field.
    Json swap = Json::object();
    auto swap_current = read_u64(dir, "memory.swap.current");
    auto swap_limit = read_u64(dir, "memory.swap.max");
    if (swap_current) swap["usage"] = add_sat(*swap_current, current.value_or(0));
    if (swap_limit) swap["limit"] = add_sat(*swap_limit, limit.value_or(0));
    put_nonempty(out, "swap", std::move(swap));
    auto raw = read_keyed(dir, "memory.stat");
    if (!raw.empty()) {
        put(out, "cache", get(raw, "file"));
        out["raw"] = Json(raw);
    }
    return out;
}

}  // namespace

Json V2Cgroup::stats() const {
    Json data = Json::object();
    put_nonempty(data, "cpu", cpu_stats(dir_));
    put_nonempty(data, "memory", memory_stats(dir_));
    Json pids = Json::object();
    put(pids, "current", read_u64(dir_, "pids.current"));
    auto limit = read_u64(dir_, "pids.max");
    if (limit && *limit != UINT64_MAX)
        pids["limit"] = *limit;  // "max": no limit, omitted as runc does
    put_nonempty(data, "pids", std::move(pids));
    if (auto io = read_file_if_exists(dir_ + "/io.stat"))
        put_nonempty(data, "blkio", io_stat_v2(*io));
    put_nonempty(data, "hugetlb", hugetlb_stats_v2(dir_));
    return data;
}

}  // namespace berth::runtime::cgroups
