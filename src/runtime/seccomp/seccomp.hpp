#pragma once
// seccomp in two halves: compile() turns linux.seccomp into a BPF program in the parent
// (libseccomp is used there only), install() loads it in the container's init between
// clone and execve with nothing but syscalls: no allocation, no exceptions.
#include <linux/filter.h>

#include <string>
#include <vector>

#include "runtime/spec.hpp"

namespace berth::runtime::seccomp {

struct Program {
    std::vector<sock_filter> filter;
    unsigned int flags = 0;  // SECCOMP_FILTER_FLAG_*
    bool empty() const { return filter.empty(); }
};

// Throws invalid_argument naming the JSON path (linux.seccomp.syscalls[3].action: unknown action "X").
// Syscall names this libseccomp or architecture does not know are skipped, as runc does.
Program compile(const Seccomp& config);

// Returns 0 or -errno. Async-signal-safe.
int install(const Program& program) noexcept;

// The names of actions, operators, architectures and flags this build supports (for `features`).
std::vector<std::string> known_actions();
std::vector<std::string> known_operators();
std::vector<std::string> known_architectures();
std::vector<std::string> known_flags();

}  // namespace berth::runtime::seccomp
