// String tables for linux.seccomp. The names are those of the OCI runtime-spec (which
// borrowed libseccomp's), so config.json, `berth-runtime features` and errors agree.
#include "runtime/seccomp/names.hpp"

#include <linux/seccomp.h>

#include <array>
#include <string>
#include <vector>

#include "runtime/seccomp/seccomp.hpp"

#ifndef SECCOMP_FILTER_FLAG_LOG
#define SECCOMP_FILTER_FLAG_LOG (1UL << 1)
#endif
#ifndef SECCOMP_FILTER_FLAG_SPEC_ALLOW
#define SECCOMP_FILTER_FLAG_SPEC_ALLOW (1UL << 2)
#endif

namespace berth::runtime::seccomp {
namespace {

struct ActionEntry {
    std::string_view name;
    ActionKind kind;
};

constexpr std::array kActions{
    ActionEntry{"SCMP_ACT_KILL", ActionKind::kill_thread},
    ActionEntry{"SCMP_ACT_KILL_PROCESS", ActionKind::kill_process},
    ActionEntry{"SCMP_ACT_KILL_THREAD", ActionKind::kill_thread},
    ActionEntry{"SCMP_ACT_TRAP", ActionKind::trap},
    ActionEntry{"SCMP_ACT_ERRNO", ActionKind::errno_ret},
    ActionEntry{"SCMP_ACT_TRACE", ActionKind::trace},
    ActionEntry{"SCMP_ACT_ALLOW", ActionKind::allow},
    ActionEntry{"SCMP_ACT_LOG", ActionKind::log},
    ActionEntry{"SCMP_ACT_NOTIFY", ActionKind::notify},
};

struct OpEntry {
    std::string_view name;
    scmp_compare op;
};

constexpr std::array kOps{
    OpEntry{"SCMP_CMP_NE", SCMP_CMP_NE},
    OpEntry{"SCMP_CMP_LT", SCMP_CMP_LT},
    OpEntry{"SCMP_CMP_LE", SCMP_CMP_LE},
    OpEntry{"SCMP_CMP_EQ", SCMP_CMP_EQ},
    OpEntry{"SCMP_CMP_GE", SCMP_CMP_GE},
    OpEntry{"SCMP_CMP_GT", SCMP_CMP_GT},
    OpEntry{"SCMP_CMP_MASKED_EQ", SCMP_CMP_MASKED_EQ},
};

struct ArchEntry {
    std::string_view name;
    std::optional<uint32_t> token;
};

// Every architecture the runtime-spec names. Those this libseccomp cannot build a filter for
// have no token: a config may list them (Docker's profiles do) and they are skipped, since a
// process of an architecture libseccomp does not know cannot run here anyway.
const std::array kArches{
    ArchEntry{"SCMP_ARCH_X86", SCMP_ARCH_X86},
    ArchEntry{"SCMP_ARCH_X86_64", SCMP_ARCH_X86_64},
    ArchEntry{"SCMP_ARCH_X32", SCMP_ARCH_X32},
    ArchEntry{"SCMP_ARCH_ARM", SCMP_ARCH_ARM},
    ArchEntry{"SCMP_ARCH_AARCH64", SCMP_ARCH_AARCH64},
    ArchEntry{"SCMP_ARCH_MIPS", SCMP_ARCH_MIPS},
    ArchEntry{"SCMP_ARCH_MIPS64", SCMP_ARCH_MIPS64},
    ArchEntry{"SCMP_ARCH_MIPS64N32", SCMP_ARCH_MIPS64N32},
    ArchEntry{"SCMP_ARCH_MIPSEL", SCMP_ARCH_MIPSEL},
    ArchEntry{"SCMP_ARCH_MIPSEL64", SCMP_ARCH_MIPSEL64},
    ArchEntry{"SCMP_ARCH_MIPSEL64N32", SCMP_ARCH_MIPSEL64N32},
    ArchEntry{"SCMP_ARCH_PPC", SCMP_ARCH_PPC},
    ArchEntry{"SCMP_ARCH_PPC64", SCMP_ARCH_PPC64},
    ArchEntry{"SCMP_ARCH_PPC64LE", SCMP_ARCH_PPC64LE},
    ArchEntry{"SCMP_ARCH_S390", SCMP_ARCH_S390},
    ArchEntry{"SCMP_ARCH_S390X", SCMP_ARCH_S390X},
    ArchEntry{"SCMP_ARCH_PARISC", SCMP_ARCH_PARISC},
    ArchEntry{"SCMP_ARCH_PARISC64", SCMP_ARCH_PARISC64},
    ArchEntry{"SCMP_ARCH_RISCV64", SCMP_ARCH_RISCV64},
#ifdef SCMP_ARCH_LOONGARCH64
    ArchEntry{"SCMP_ARCH_LOONGARCH64", SCMP_ARCH_LOONGARCH64},
#else
    ArchEntry{"SCMP_ARCH_LOONGARCH64", std::nullopt},
#endif
#ifdef SCMP_ARCH_M68K
    ArchEntry{"SCMP_ARCH_M68K", SCMP_ARCH_M68K},
#else
    ArchEntry{"SCMP_ARCH_M68K", std::nullopt},
#endif
#ifdef SCMP_ARCH_SH
    ArchEntry{"SCMP_ARCH_SH", SCMP_ARCH_SH},
    ArchEntry{"SCMP_ARCH_SHEB", SCMP_ARCH_SHEB},
#else
    ArchEntry{"SCMP_ARCH_SH", std::nullopt},
    ArchEntry{"SCMP_ARCH_SHEB", std::nullopt},
#endif
};

struct FlagEntry {
    std::string_view name;
    unsigned bit;
};

// TSYNC syncs the filter to the other threads of the process; the container's init is single
// threaded when it installs the filter, so the flag is accepted and changes nothing.
// WAIT_KILLABLE_RECV only means something with a notify listener (the kernel refuses it
// without SECCOMP_FILTER_FLAG_NEW_LISTENER), and berth has none: accepted, not passed on.
constexpr std::array kFlags{
    FlagEntry{"SECCOMP_FILTER_FLAG_TSYNC", 0},
    FlagEntry{"SECCOMP_FILTER_FLAG_LOG", SECCOMP_FILTER_FLAG_LOG},
    FlagEntry{"SECCOMP_FILTER_FLAG_SPEC_ALLOW", SECCOMP_FILTER_FLAG_SPEC_ALLOW},
    FlagEntry{"SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV", 0},
};

}  // namespace

std::optional<ActionKind> action_kind(std::string_view name) {
    for (const auto& entry : kActions) {
        if (entry.name == name) return entry.kind;
    }
    return std::nullopt;
}

bool action_takes_errno(ActionKind kind) {
    return kind == ActionKind::errno_ret || kind == ActionKind::trace;
}

uint32_t action_value(ActionKind kind, uint32_t data) {
    switch (kind) {
        case ActionKind::kill_thread:
            return SCMP_ACT_KILL_THREAD;
        case ActionKind::kill_process:
            return SCMP_ACT_KILL_PROCESS;
        case ActionKind::trap:
            return SCMP_ACT_TRAP;
        case ActionKind::errno_ret:
            return SCMP_ACT_ERRNO(data);
        case ActionKind::trace:
            return SCMP_ACT_TRACE(data);
        case ActionKind::allow:
            return SCMP_ACT_ALLOW;
        case ActionKind::log:
            return SCMP_ACT_LOG;
        case ActionKind::notify:
            return SCMP_ACT_NOTIFY;
    }
    return SCMP_ACT_KILL_PROCESS;
}

std::optional<scmp_compare> compare_op(std::string_view name) {
    for (const auto& entry : kOps) {
        if (entry.name == name) return entry.op;
    }
    return std::nullopt;
}

std::optional<ArchName> arch_token(std::string_view name) {
    for (const auto& entry : kArches) {
        if (entry.name == name) return ArchName{entry.token};
    }
    return std::nullopt;
}

std::optional<unsigned> filter_flag(std::string_view name) {
    for (const auto& entry : kFlags) {
        if (entry.name == name) return entry.bit;
    }
    return std::nullopt;
}

std::vector<std::string> known_actions() {
    std::vector<std::string> names;
    for (const auto& entry : kActions) {
        // Refused by compile(): berth has no notify listener, so it must not advertise it.
        if (entry.kind != ActionKind::notify) names.emplace_back(entry.name);
    }
    return names;
}

std::vector<std::string> known_operators() {
    std::vector<std::string> names;
    names.reserve(kOps.size());
    for (const auto& entry : kOps) names.emplace_back(entry.name);
    return names;
}

std::vector<std::string> known_architectures() {
    std::vector<std::string> names;
    for (const auto& entry : kArches) {
        if (entry.token) names.emplace_back(entry.name);
    }
    return names;
}

std::vector<std::string> known_flags() {
    std::vector<std::string> names;
    names.reserve(kFlags.size());
    for (const auto& entry : kFlags) names.emplace_back(entry.name);
    return names;
}

}  // namespace berth::runtime::seccomp
