#pragma once
// The string tables of linux.seccomp (actions, operators, architectures, flags) and their
// libseccomp/kernel values. Internal to the seccomp module: it includes <seccomp.h>, which
// the public headers keep out of everyone else's includes.
#include <seccomp.h>

#include <cstdint>
#include <optional>
#include <string_view>

namespace berth::runtime::seccomp {

enum class ActionKind {
    kill_thread,
    kill_process,
    trap,
    errno_ret,
    trace,
    allow,
    log,
    notify,
};

std::optional<ActionKind> action_kind(std::string_view name);

// Whether the action carries a 16-bit return value (errnoRet).
bool action_takes_errno(ActionKind kind);

// The SCMP_ACT_* value; `data` is only used by errno_ret and trace.
uint32_t action_value(ActionKind kind, uint32_t data);

std::optional<scmp_compare> compare_op(std::string_view name);

struct ArchName {
    std::optional<uint32_t> token;  // SCMP_ARCH_*; nullopt: valid OCI name this libseccomp lacks
};
// nullopt: not an architecture name at all.
std::optional<ArchName> arch_token(std::string_view name);

// The SECCOMP_FILTER_FLAG_* bit to pass to seccomp(2); 0 for flags that are accepted but
// have nothing to pass (TSYNC, see names.cpp). nullopt: unknown flag.
std::optional<unsigned> filter_flag(std::string_view name);

}  // namespace berth::runtime::seccomp
