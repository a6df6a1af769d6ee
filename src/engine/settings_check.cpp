#include "engine/settings_check.hpp"

#include <sched.h>

#include <optional>
#include <set>

#include "common/error.hpp"
#include "common/file_util.hpp"
#include "engine/oci_config.hpp"
#include "engine/signals.hpp"

namespace berth::engine {

namespace {

constexpr int64_t kMinMemory = 6 * 1024 * 1024;  // moby's linuxMinMemory

std::string trim(const std::string& s) {
    size_t a = s.find_first_not_of(" \t\n"), b = s.find_last_not_of(" \t\n");
    return a == std::string::npos ? "" : s.substr(a, b - a + 1);
}

[[noreturn]] void invalid(const std::string& message) { throw Error(Errc::invalid_argument, message); }

// A cpuset list as a set of numbers; an unparsable or absurd list gives nullopt.
std::optional<std::set<int>> cpu_list(const std::string& list) {
    std::set<int> out;
    size_t i = 0;
    while (i < list.size()) {
        size_t end = list.find(',', i);
        if (end == std::string::npos) end = list.size();
        std::string item = trim(list.substr(i, end - i));
        size_t dash = item.find('-');
        std::string lo = item.substr(0, dash), hi = dash == std::string::npos ? lo : item.substr(dash + 1);
        auto number = [](const std::string& x) -> int {
            if (x.empty() || x.size() > 5 || x.find_first_not_of("0123456789") != std::string::npos) return -1;
            return std::stoi(x);
        };
        int a = number(lo), b = number(hi);
        if (a < 0 || b < a) return std::nullopt;
        for (int n = a; n <= b; ++n) out.insert(n);
        i = end + 1;
    }
    return out;
}

std::string first_line_of(std::initializer_list<const char*> paths) {
    for (const char* p : paths) {
        std::string s = trim(read_file_if_exists(p).value_or(""));
        if (!s.empty()) return s.substr(0, s.find('\n'));
    }
    return "";
}

int64_t int_of(const Json& j, const char* key) {
    return j.is_object() && j.contains(key) && j[key].is_number_integer() ? j[key].get<int64_t>() : 0;
}

}  // namespace

HostCpus HostCpus::probe() {
    HostCpus h;
    // moby reads the root cpuset (cgroup v1's cpuset mount, v2's effective sets).
    h.cpus = first_line_of({"/sys/fs/cgroup/cpuset/cpuset.effective_cpus", "/sys/fs/cgroup/cpuset/cpuset.cpus",
                            "/sys/fs/cgroup/cpuset.cpus.effective", "/sys/devices/system/cpu/online"});
    h.mems = first_line_of({"/sys/fs/cgroup/cpuset/cpuset.effective_mems", "/sys/fs/cgroup/cpuset/cpuset.mems",
                            "/sys/fs/cgroup/cpuset.mems.effective", "/sys/devices/system/node/online"});
    if (h.mems.empty()) h.mems = "0";
    cpu_set_t set;
    CPU_ZERO(&set);
    h.count = ::sched_getaffinity(0, sizeof set, &set) == 0 ? CPU_COUNT(&set) : 1;
    if (h.count < 1) h.count = 1;
    return h;
}

const HostCpus& host_cpus() {
    static const HostCpus host = HostCpus::probe();
    return host;
}

bool cpuset_within(const std::string& requested, const std::string& available) {
    auto want = cpu_list(requested), have = cpu_list(available);
    if (!want || !have) return true;  // the format is someone else's error; no claim here
    for (int n : *want) {
        if (!have->count(n)) return false;
    }
    return true;
}

void verify_container_config(const Json& config) {
    if (!config.is_object()) return;
    if (auto wd = json_string(config, "WorkingDir"); !wd.empty() && wd[0] != '/') {
        invalid("the working directory '" + wd + "' is invalid, it needs to be an absolute path");
    }
    if (auto sig = json_string(config, "StopSignal"); !sig.empty()) (void)parse_signal(sig);
    if (config.contains("Env") && config["Env"].is_array()) {
        for (const auto& e : config["Env"]) {
            if (!e.is_string()) continue;
            const auto& s = e.get_ref<const std::string&>();
            if (s.empty() || s[0] == '=') invalid("invalid environment variable: " + s);
        }
    }
}

void verify_host_config(const Json& hc) {
    if (!hc.is_object()) return;
    if (auto iso = json_string(hc, "Isolation"); !iso.empty() && iso != "default") {
        invalid("Invalid isolation: \"" + iso + "\" - linux only supports 'default'");
    }
    if (int64_t adj = int_of(hc, "OomScoreAdj"); adj < -1000 || adj > 1000) {
        invalid("Invalid value " + std::to_string(adj) + ", range for oom score adj is [-1000, 1000]");
    }
    if (int_of(hc, "ShmSize") < 0) invalid("SHM size can not be less than 0");
    if (hc.contains("Tmpfs") && hc["Tmpfs"].is_object()) {
        for (const auto& [dest, opts] : hc["Tmpfs"].items()) {
            if (dest == "/") invalid("invalid specification: destination can't be '/'");
            if (dest.empty() || dest[0] != '/') invalid("invalid mount path: '" + dest + "' mount path must be absolute");
        }
    }
}

void verify_resources(const Json& r, bool update, const HostCpus& host) {
    if (!r.is_object()) return;
    int64_t memory = int_of(r, "Memory"), swap = int_of(r, "MemorySwap"), reservation = int_of(r, "MemoryReservation");
    if (memory != 0 && memory < kMinMemory) invalid("Minimum memory limit allowed is 6MB");
    if (memory > 0 && swap > 0 && swap < memory) {
        invalid("Minimum memoryswap limit should be larger than memory limit, see usage");
    }
    if (memory == 0 && swap > 0 && !update) {
        invalid("You should always set the Memory limit when using Memoryswap limit, see usage");
    }
    if (r.contains("MemorySwappiness") && r["MemorySwappiness"].is_number_integer()) {
        int64_t s = r["MemorySwappiness"].get<int64_t>();
        if (s != -1 && (s < 0 || s > 100)) {
            invalid("Invalid value: " + std::to_string(s) + ", valid memory swappiness range is 0-100");
        }
    }
    if (reservation != 0 && reservation < kMinMemory) invalid("Minimum memory reservation allowed is 6MB");
    if (memory > 0 && reservation > 0 && memory < reservation) {
        invalid("Minimum memory limit can not be less than memory reservation limit, see usage");
    }
    int64_t nano = int_of(r, "NanoCpus"), period = int_of(r, "CpuPeriod"), quota = int_of(r, "CpuQuota");
    if (nano > 0 && period > 0) invalid("Conflicting options: Nano CPUs and CPU Period cannot both be set");
    if (nano > 0 && quota > 0) invalid("Conflicting options: Nano CPUs and CPU Quota cannot both be set");
    if (nano < 0 || nano > int64_t{host.count} * 1000000000) {
        std::string n = std::to_string(host.count);
        invalid("Range of CPUs is from 0.01 to " + n + ".00, as there are only " + n + " CPUs available");
    }
    if (period != 0 && (period < 1000 || period > 1000000)) {
        invalid("CPU cfs period can not be less than 1ms (i.e. 1000) or larger than 1s (i.e. 1000000)");
    }
    if (quota > 0 && quota < 1000) invalid("CPU cfs quota can not be less than 1ms (i.e. 1000)");
    if (auto cpus = json_string(r, "CpusetCpus"); !cpus.empty() && !cpuset_within(cpus, host.cpus)) {
        invalid("Requested CPUs are not available - requested " + cpus + ", available: " + host.cpus);
    }
    if (auto mems = json_string(r, "CpusetMems"); !mems.empty() && !cpuset_within(mems, host.mems)) {
        invalid("Requested memory nodes are not available - requested " + mems + ", available: " + host.mems);
    }
    if (int64_t w = int_of(r, "BlkioWeight"); w != 0 && (w < 10 || w > 1000)) {
        invalid("Range of blkio weight is from 10 to 1000");
    }
}

}  // namespace berth::engine
