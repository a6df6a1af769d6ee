#pragma once
// The last steps before execve, shared by the container's init and by `exec`:
// terminal, rlimits, groups and ids, capabilities, no_new_privs, seccomp, cwd, exec.
#include "runtime/launch_plan.hpp"

namespace berth::runtime::child {

// Opens a pty from the container's /dev/ptmx, sends the master over plan.console_fd
// and makes the slave the controlling terminal and stdio.
void setup_terminal(const ProcessPlan& plan, int sync_fd) noexcept;
// setrlimit for each configured limit.
void apply_rlimits(const ProcessPlan& plan, int sync_fd) noexcept;
// Finds argv[0] in the container (PATH search); fails with exit code 127 when missing.
// The result lives in a static buffer.
const char* resolve_executable(const ProcessPlan& plan, int sync_fd) noexcept;
// Ids, capabilities, no_new_privs, seccomp, cwd, umask, then execve. Never returns.
[[noreturn]] void drop_privileges_and_exec(const ProcessPlan& plan, const char* executable, int sync_fd) noexcept;

}  // namespace berth::runtime::child
