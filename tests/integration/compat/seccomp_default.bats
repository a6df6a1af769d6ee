#!/usr/bin/env bats
# A default container runs under Docker's seccomp profile, built into berthd from the
# repository's reference/seccomp/default.json: a build without it once ran containers with no
# filter at all while `docker info` still claimed one.
load helpers

setup_file() { compat_setup_file; }
teardown_file() { compat_teardown_file; }

@test "a default container has a seccomp filter (Seccomp: 2) and info says which" {
  run dk run --rm busybox grep '^Seccomp:' /proc/self/status
  [ "$status" -eq 0 ]
  [ "$output" = "Seccomp:	2" ]
  run dk info --format '{{json .SecurityOptions}}'
  [[ "$output" == *'"name=seccomp,profile=builtin"'* ]]
}

@test "the default profile denies what Docker's denies: a user namespace, keyctl; unconfined allows it" {
  # unshare(CLONE_NEWUSER) is not in the profile's allow list for a container without
  # CAP_SYS_ADMIN: EPERM.
  run dk run --rm busybox unshare -U -r true
  [ "$status" -ne 0 ]
  [[ "$output" == *"Operation not permitted"* ]]
  # The control: the same command works without the filter, so the denial above is seccomp's.
  run dk run --rm --security-opt seccomp=unconfined busybox unshare -U -r true
  [ "$status" -eq 0 ]
  # keyctl(2) (the kernel keyring is not namespaced) is denied too: syscall 250 on x86-64.
  if [ "$(uname -m)" = x86_64 ] && command -v python3 >/dev/null; then
    local probe='import ctypes, os; libc = ctypes.CDLL(None, use_errno=True); r = libc.syscall(250, 0, -3, 0); print(r, ctypes.get_errno())'
    # The host's python3 is not in busybox: the probe runs from a bind of the host's root.
    run dk run --rm -v /:/host:ro busybox chroot /host python3 -c "$probe"
    [ "$status" -eq 0 ]
    [ "$output" = "-1 1" ]  # EPERM
  fi
}
