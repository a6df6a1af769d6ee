#include "runtime/capabilities.hpp"

#include <linux/capability.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>

namespace berth::runtime {

namespace {
// Index = capability number (linux/capability.h).
constexpr const char* kNames[] = {
    "CAP_CHOWN",           "CAP_DAC_OVERRIDE",   "CAP_DAC_READ_SEARCH", "CAP_FOWNER",
    "CAP_FSETID",          "CAP_KILL",           "CAP_SETGID",          "CAP_SETUID",
    "CAP_SETPCAP",         "CAP_LINUX_IMMUTABLE", "CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST",
    "CAP_NET_ADMIN",       "CAP_NET_RAW",        "CAP_IPC_LOCK",        "CAP_IPC_OWNER",
    "CAP_SYS_MODULE",      "CAP_SYS_RAWIO",      "CAP_SYS_CHROOT",      "CAP_SYS_PTRACE",
    "CAP_SYS_PACCT",       "CAP_SYS_ADMIN",      "CAP_SYS_BOOT",        "CAP_SYS_NICE",
    "CAP_SYS_RESOURCE",    "CAP_SYS_TIME",       "CAP_SYS_TTY_CONFIG",  "CAP_MKNOD",
    "CAP_LEASE",           "CAP_AUDIT_WRITE",    "CAP_AUDIT_CONTROL",   "CAP_SETFCAP",
    "CAP_MAC_OVERRIDE",    "CAP_MAC_ADMIN",      "CAP_SYSLOG",          "CAP_WAKE_ALARM",
    "CAP_BLOCK_SUSPEND",   "CAP_AUDIT_READ",     "CAP_PERFMON",         "CAP_BPF",
    "CAP_CHECKPOINT_RESTORE",
};
constexpr int kKnown = sizeof(kNames) / sizeof(kNames[0]);

unsigned long long mask_of(const std::vector<int>& caps) {
    unsigned long long m = 0;
    for (int c : caps) m |= 1ULL << c;
    return m;
}
}  // namespace

std::optional<int> capability_from_name(std::string_view name) {
    for (int i = 0; i < kKnown; ++i) {
        if (name == kNames[i]) return i;
    }
    return std::nullopt;
}

std::string capability_name(int cap) {
    if (cap >= 0 && cap < kKnown) return kNames[cap];
    return "CAP_" + std::to_string(cap);
}

int last_capability() {
    static int cached = -1;
    if (cached >= 0) return cached;
    cached = kKnown - 1;
    if (FILE* f = std::fopen("/proc/sys/kernel/cap_last_cap", "re")) {
        int v = 0;
        if (std::fscanf(f, "%d", &v) == 1 && v > 0 && v < 64) cached = v;
        std::fclose(f);
    }
    return cached;
}

std::vector<std::string> all_capability_names() {
    std::vector<std::string> out;
    int last = last_capability();
    for (int i = 0; i <= last && i < kKnown; ++i) out.emplace_back(kNames[i]);
    return out;
}

CapabilityMasks capability_masks(const Capabilities& caps) {
    CapabilityMasks m;
    m.bounding = mask_of(caps.bounding);
    m.effective = mask_of(caps.effective);
    m.inheritable = mask_of(caps.inheritable);
    m.permitted = mask_of(caps.permitted);
    m.ambient = mask_of(caps.ambient);
    return m;
}

int drop_bounding(const CapabilityMasks& masks) noexcept {
    int last = last_capability();
    for (int cap = 0; cap <= last; ++cap) {
        if (masks.bounding & (1ULL << cap)) continue;
        if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0 && errno != EINVAL) return -errno;
    }
    return 0;
}

int apply_capabilities(const CapabilityMasks& masks) noexcept {
    __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
    __user_cap_data_struct data[2] = {};
    data[0].effective = static_cast<__u32>(masks.effective);
    data[1].effective = static_cast<__u32>(masks.effective >> 32);
    data[0].permitted = static_cast<__u32>(masks.permitted);
    data[1].permitted = static_cast<__u32>(masks.permitted >> 32);
    data[0].inheritable = static_cast<__u32>(masks.inheritable);
    data[1].inheritable = static_cast<__u32>(masks.inheritable >> 32);
    if (syscall(SYS_capset, &header, data) < 0) return -errno;
    prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
    int last = last_capability();
    for (int cap = 0; cap <= last; ++cap) {
        if (!(masks.ambient & (1ULL << cap))) continue;
        // Ambient needs the cap in permitted and inheritable; runc ignores failures here too.
        prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, cap, 0, 0);
    }
    return 0;
}

}  // namespace berth::runtime
