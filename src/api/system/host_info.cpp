#include "api/system/host_info.hpp"

#include <linux/magic.h>
#include <sched.h>
#include <sys/statfs.h>
#include <sys/sysinfo.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <fstream>
#include <set>
#include <sstream>

namespace berth::api {

namespace {
std::string read_small(const std::string& path) {
    std::ifstream in(path);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

std::string os_release_value(const std::string& text, const std::string& key) {
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) {
        if (!line.starts_with(key + "=")) continue;
        std::string v = line.substr(key.size() + 1);
        if (v.size() >= 2 && (v.front() == '"' || v.front() == '\'') && v.back() == v.front())
            v = v.substr(1, v.size() - 2);
        return v;
    }
    return {};
}

bool exists(const char* path) {
    return ::access(path, F_OK) == 0;
}
}  // namespace

HostInfo HostInfo::detect() {
    HostInfo h;
    utsname u{};
    if (::uname(&u) == 0) {
        h.hostname = u.nodename;
        h.kernel_version = u.release;
        h.architecture = u.machine;
    }
    h.go_arch = h.architecture == "x86_64"    ? "amd64"
                : h.architecture == "aarch64" ? "arm64"
                : h.architecture == "i686"    ? "386"
                                              : h.architecture;
    std::string rel = read_small("/etc/os-release");
    if (rel.empty()) rel = read_small("/usr/lib/os-release");
    h.operating_system = os_release_value(rel, "PRETTY_NAME");
    if (h.operating_system.empty()) h.operating_system = "Linux";
    h.os_version = os_release_value(rel, "VERSION_ID");

    cpu_set_t set;
    CPU_ZERO(&set);
    h.ncpu = ::sched_getaffinity(0, sizeof set, &set) == 0
                 ? CPU_COUNT(&set)
                 : static_cast<int>(::sysconf(_SC_NPROCESSORS_ONLN));
    struct sysinfo si {};
    if (::sysinfo(&si) == 0) h.mem_total = static_cast<int64_t>(si.totalram) * si.mem_unit;

    struct statfs fs {};
    bool v2 = ::statfs("/sys/fs/cgroup", &fs) == 0 && fs.f_type == CGROUP2_SUPER_MAGIC;
    h.cgroup_version = v2 ? "2" : "1";
    if (v2) {
        std::istringstream controllers(read_small("/sys/fs/cgroup/cgroup.controllers"));
        std::set<std::string> names;
        for (std::string c; controllers >> c;) names.insert(c);
        auto has = [&](const char* c) { return names.count(c) > 0; };
        h.memory_limit = has("memory");
        h.swap_limit = h.memory_limit;
        h.cpu_cfs = h.cpu_shares = has("cpu");
        h.cpuset = has("cpuset");
        h.pids_limit = has("pids");
    } else {
        h.memory_limit = exists("/sys/fs/cgroup/memory/memory.limit_in_bytes");
        h.swap_limit = exists("/sys/fs/cgroup/memory/memory.memsw.limit_in_bytes");
        h.cpu_cfs = exists("/sys/fs/cgroup/cpu/cpu.cfs_quota_us");
        h.cpu_shares = exists("/sys/fs/cgroup/cpu/cpu.shares");
        h.cpuset = exists("/sys/fs/cgroup/cpuset/cpuset.cpus");
        h.pids_limit = exists("/sys/fs/cgroup/pids/pids.max") || exists("/sys/fs/cgroup/pids");
    }
    h.ipv4_forwarding = read_small("/proc/sys/net/ipv4/ip_forward").starts_with("1");
    return h;
}

}  // namespace berth::api
