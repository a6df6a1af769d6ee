// HostConfig resources -> linux.resources (moby daemon/oci_linux.go WithResources). The values
// were checked at create and update (settings_check.hpp); what is left here are the checks of
// combinations an update can make.
#include "common/error.hpp"
#include "engine/blkio_settings.hpp"
#include "engine/oci_config.hpp"

namespace berth::engine {

Json oci_resources(const Json& hc) {
    Json r = Json::object();
    int64_t memory = json_int(hc, "Memory");
    int64_t swap = json_int(hc, "MemorySwap");
    int64_t reservation = json_int(hc, "MemoryReservation");
    if (memory > 0 && memory < 6 * 1024 * 1024) {
        throw Error(Errc::invalid_argument, "Minimum memory limit allowed is 6MB");
    }
    if (swap > 0 && memory == 0) {
        throw Error(Errc::invalid_argument, "You should always set the Memory limit when using Memoryswap limit, see usage");
    }
    if (swap > 0 && swap < memory) {
        throw Error(Errc::invalid_argument, "Minimum memoryswap limit should be larger than memory limit, see usage");
    }
    Json mem = Json::object();
    if (memory > 0) {
        mem["limit"] = memory;
        // Docker: an unset swap limit means as much swap as memory (limit + swap = 2 x memory).
        mem["swap"] = swap == 0 ? memory * 2 : swap;
    }
    if (reservation > 0) mem["reservation"] = reservation;
    if (json_bool(hc, "OomKillDisable")) mem["disableOOMKiller"] = true;
    if (hc.is_object() && hc.contains("MemorySwappiness") && hc["MemorySwappiness"].is_number() &&
        hc["MemorySwappiness"].get<int64_t>() >= 0) {
        mem["swappiness"] = hc["MemorySwappiness"].get<int64_t>();
    }
    if (!mem.empty()) r["memory"] = mem;

    Json cpu = Json::object();
    int64_t nano = json_int(hc, "NanoCpus");
    int64_t quota = json_int(hc, "CpuQuota");
    int64_t period = json_int(hc, "CpuPeriod");
    if (nano > 0 && period > 0) throw Error(Errc::invalid_argument, "Conflicting options: Nano CPUs and CPU Period cannot both be set");
    if (nano > 0 && quota > 0) throw Error(Errc::invalid_argument, "Conflicting options: Nano CPUs and CPU Quota cannot both be set");
    if (nano > 0) {
        // Docker: period 100 ms, quota = cpus x period.
        cpu["period"] = 100000;
        cpu["quota"] = nano * 100000 / 1000000000;
    }
    if (quota != 0) cpu["quota"] = quota;
    if (period != 0) cpu["period"] = period;
    if (int64_t shares = json_int(hc, "CpuShares"); shares != 0) cpu["shares"] = shares;
    if (auto cpus = json_string(hc, "CpusetCpus"); !cpus.empty()) cpu["cpus"] = cpus;
    if (auto mems = json_string(hc, "CpusetMems"); !mems.empty()) cpu["mems"] = mems;
    if (!cpu.empty()) r["cpu"] = cpu;

    if (hc.is_object() && hc.contains("PidsLimit") && hc["PidsLimit"].is_number()) {
        int64_t pids = hc["PidsLimit"].get<int64_t>();
        if (pids > 0) r["pids"] = {{"limit", pids}};
    }
    if (Json b = oci_block_io(hc); !b.empty()) r["blockIO"] = std::move(b);
    return r;
}

}  // namespace berth::engine
