// linux.resources: memory, cpu, pids, blockIO, hugepages, devices, network, unified.
#include "common/error.hpp"
#include "runtime/spec.hpp"
#include "runtime/spec_json.hpp"

namespace berth::runtime {

namespace {

DeviceRule parse_device_rule(const JsonReader& e) {
    DeviceRule d;
    d.allow = e.at("allow").as_bool();
    std::string type = e.string_or("type", "a");
    if (type != "a" && type != "b" && type != "c") e.at("type").fail("device type must be a, b or c, got \"" + type + "\"");
    d.type = type[0];
    d.major = e.opt_int("major");
    d.minor = e.opt_int("minor");
    d.access = e.string_or("access", "rwm");
    for (char c : d.access) {
        if (c != 'r' && c != 'w' && c != 'm') e.at("access").fail("access must use only r, w and m");
    }
    return d;
}

ThrottleDevice parse_throttle(const JsonReader& e) {
    return ThrottleDevice{e.at("major").as_int(), e.at("minor").as_int(), e.at("rate").as_uint()};
}

std::vector<ThrottleDevice> parse_throttles(const JsonReader& r, const char* key) {
    std::vector<ThrottleDevice> out;
    if (auto list = r.get(key)) {
        for (const auto& e : list->elements()) out.push_back(parse_throttle(e));
    }
    return out;
}

}  // namespace

Resources parse_resources(const JsonReader& r) {
    r.require_object();
    Resources res;
    if (auto list = r.get("devices")) {
        for (const auto& e : list->elements()) res.devices.push_back(parse_device_rule(e));
    }
    if (auto m = r.get("memory")) {
        auto& mem = res.memory;
        mem.limit = m->opt_int("limit");
        mem.reservation = m->opt_int("reservation");
        mem.swap = m->opt_int("swap");
        mem.kernel = m->opt_int("kernel");
        mem.kernel_tcp = m->opt_int("kernelTCP");
        mem.swappiness = m->opt_uint("swappiness");
        if (mem.swappiness && *mem.swappiness > 100) {
            m->at("swappiness").fail("swappiness must be 0 to 100, got " + std::to_string(*mem.swappiness));
        }
        mem.disable_oom_killer = opt_bool(*m, "disableOOMKiller");
        mem.use_hierarchy = opt_bool(*m, "useHierarchy");
        mem.check_before_update = opt_bool(*m, "checkBeforeUpdate");
    }
    if (auto c = r.get("cpu")) {
        auto& cpu = res.cpu;
        cpu.shares = c->opt_uint("shares");
        cpu.quota = c->opt_int("quota");
        cpu.burst = c->opt_uint("burst");
        cpu.period = c->opt_uint("period");
        cpu.realtime_runtime = c->opt_int("realtimeRuntime");
        cpu.realtime_period = c->opt_uint("realtimePeriod");
        cpu.cpus = c->string_or("cpus", "");
        cpu.mems = c->string_or("mems", "");
        cpu.idle = c->opt_int("idle");
    }
    if (auto p = r.get("pids")) {
        res.pids_limit = p->opt_int("limit");
    }
    if (auto b = r.get("blockIO")) {
        auto& bio = res.block_io;
        bio.weight = opt_u16(*b, "weight");
        bio.leaf_weight = opt_u16(*b, "leafWeight");
        if (auto list = b->get("weightDevice")) {
            for (const auto& e : list->elements()) {
                WeightDevice w;
                w.major = e.at("major").as_int();
                w.minor = e.at("minor").as_int();
                w.weight = opt_u16(e, "weight");
                w.leaf_weight = opt_u16(e, "leafWeight");
                bio.weight_device.push_back(w);
            }
        }
        bio.throttle_read_bps_device = parse_throttles(*b, "throttleReadBpsDevice");
        bio.throttle_write_bps_device = parse_throttles(*b, "throttleWriteBpsDevice");
        bio.throttle_read_iops_device = parse_throttles(*b, "throttleReadIOPSDevice");
        bio.throttle_write_iops_device = parse_throttles(*b, "throttleWriteIOPSDevice");
    }
    if (auto list = r.get("hugepageLimits")) {
        for (const auto& e : list->elements()) {
            res.hugepage_limits.push_back({e.at("pageSize").as_string(), e.at("limit").as_uint()});
        }
    }
    if (auto n = r.get("network")) {
        res.network_class_id = opt_u32(*n, "classID");
        if (auto list = n->get("priorities")) {
            for (const auto& e : list->elements()) {
                res.network_priorities.emplace_back(e.at("name").as_string(), as_u32(e.at("priority")));
            }
        }
    }
    res.unified = r.string_map("unified");
    return res;
}

}  // namespace berth::runtime
