#!/usr/bin/env bats
# linux.seccomp: OCI rules with errno actions, and Docker's default profile.
load helpers

setup() {
  setup_bundle
  update_config '.root.readonly = false'
}
teardown() { teardown_bundle; }

deny_mkdir='{"defaultAction": "SCMP_ACT_ALLOW", "architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86"],
  "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1}]}'

@test "seccomp: a rule denying mkdir/mkdirat makes mkdir fail with EPERM, other calls work" {
  update_config ".linux.seccomp = $deny_mkdir"
  set_args sh -c 'mkdir /d 2>&1; echo mkdir=$?; touch /f && echo touch-ok'
  run rt run --bundle "$BUNDLE" "$CID"
  [ "$status" -eq 0 ]
  [[ "${lines[0]}" == *"Operation not permitted"* ]]
  [ "${lines[1]}" = "mkdir=1" ]
  [ "${lines[2]}" = "touch-ok" ]
  [ ! -e "$BUNDLE/rootfs/d" ]
  [ -e "$BUNDLE/rootfs/f" ]
}

@test "seccomp: the filter also applies without noNewPrivileges" {
  update_config ".linux.seccomp = $deny_mkdir | .process.noNewPrivileges = false"
  set_args sh -c 'mkdir /d 2>&1; grep -E "^(Seccomp|NoNewPrivs):" /proc/self/status'
  run rt run --bundle "$BUNDLE" "$CID"
  [ "$status" -eq 0 ]
  [[ "${lines[0]}" == *"Operation not permitted"* ]]
  [[ "$output" == *"NoNewPrivs:"*"0"* ]]
  [ "$(echo "$output" | awk '$1 == "Seccomp:" { print $2 }')" = 2 ]
}

@test "seccomp: errnoRet picks the errno" {
  update_config '.linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW",
    "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 13}]}'
  set_args sh -c 'mkdir /d 2>&1'
  run rt run --bundle "$BUNDLE" "$CID"
  [ "$status" -eq 1 ]
  [[ "$output" == *"Permission denied"* ]]
}

@test "seccomp: Docker's default profile lets busybox work and denies unshare -U" {
  local profile
  profile=$("$REPO/build/tests/tools/berth-test-seccomp-profile" "$REPO/reference/seccomp/default.json")
  local script='echo hello; ls / >/dev/null && echo ls-ok; ps -o pid,comm | grep -c . ; unshare -U true 2>&1; echo unshare=$?'
  set_args sh -c "$script"
  # Control: without the profile, creating a user namespace works in this container.
  run rt run --bundle "$BUNDLE" "$CID"
  [ "$status" -eq 0 ]
  [[ "$output" == *"unshare=0"* ]]
  update_config ".linux.seccomp = $profile"
  run rt run --bundle "$BUNDLE" "$CID"
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = hello ]
  [ "${lines[1]}" = ls-ok ]
  # header + sh + ps (+ grep): ps could read /proc.
  [ "${lines[2]}" -ge 3 ]
  [[ "$output" == *"Operation not permitted"* ]]
  [[ "$output" == *"unshare=1"* ]]
}

@test "seccomp: the compiled program is cached per profile (root-only) and a cached run is still confined" {
  update_config ".linux.seccomp = $deny_mkdir"
  set_args sh -c 'mkdir /d 2>&1; echo mkdir=$?'
  run rt run --bundle "$BUNDLE" "$CID"
  [ "$status" -eq 0 ]
  [ "${lines[1]}" = "mkdir=1" ]
  cache="$ROOT/.seccomp-cache"
  [ "$(stat -c %a "$cache")" = 700 ]
  [ "$(ls "$cache" | wc -l)" -eq 1 ]
  # The second run takes the program from the cache: same confinement, no new entry.
  run rt run --bundle "$BUNDLE" "$CID-2"
  [ "$status" -eq 0 ]
  [[ "${lines[0]}" == *"Operation not permitted"* ]]
  [ "${lines[1]}" = "mkdir=1" ]
  [ "$(ls "$cache" | wc -l)" -eq 1 ]
  [ "$(stat -c %a "$cache"/*)" = 600 ]
  # `list` does not mistake the cache for a container.
  run rt list --format json
  [[ "$output" != *"seccomp-cache"* ]]
}
