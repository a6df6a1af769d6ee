#pragma once
// Facts about the host that /info and /version report. Gathered once at startup: none of
// them changes while the daemon runs (except the hostname, which Docker also caches).
#include <cstdint>
#include <string>

namespace berth::api {

struct HostInfo {
    std::string hostname;
    std::string kernel_version;    // uname -r
    std::string architecture;      // uname -m: x86_64, aarch64
    std::string go_arch;           // Docker's /version Arch: amd64, arm64
    std::string operating_system;  // PRETTY_NAME of /etc/os-release
    std::string os_version;        // VERSION_ID
    int ncpu = 0;                  // CPUs this process may run on
    int64_t mem_total = 0;         // bytes
    std::string cgroup_version;    // "1" or "2"
    bool memory_limit = false, swap_limit = false, cpu_cfs = false, cpu_shares = false,
         cpuset = false, pids_limit = false;
    bool ipv4_forwarding = false;

    static HostInfo detect();
};

}  // namespace berth::api
