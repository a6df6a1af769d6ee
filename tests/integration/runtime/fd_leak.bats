#!/usr/bin/env bats
# No host file descriptor crosses into the container (the CVE-2024-21626 class).
load helpers

setup() {
  setup_bundle
  HOSTDIR=$TEST_DIR/hostdir
  mkdir -p "$HOSTDIR"
  echo host-secret > "$HOSTDIR/secret"
}
teardown() { teardown_bundle; }

# The container lists its fds (first line: names; then targets) as `ls` sees them: 0, 1, 2 and
# ls's own handle on the directory, 3.
LIST_FDS='echo $(ls /proc/self/fd); ls -l /proc/self/fd'

@test "fd leak: run shows only stdio (and ls's own dir fd), even with extra fds open in the runtime" {
  set_args sh -c "$LIST_FDS"
  run "$RUNTIME" --root "$ROOT" run --bundle "$BUNDLE" "$CID" 3>&- 4</etc/hostname 5<"$HOSTDIR/secret" 9<"$HOSTDIR"
  echo "$output"
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = "0 1 2 3" ]
  [[ "$output" != *hostname* ]]
  [[ "$output" != *secret* ]]
  [[ "$output" != *hostdir* ]]
}

@test "fd leak: create/start and exec show only stdio too" {
  set_args sleep 100
  "$RUNTIME" --root "$ROOT" create --bundle "$BUNDLE" "$CID" 3>&- 4</etc/hostname 9<"$HOSTDIR"
  "$RUNTIME" --root "$ROOT" start "$CID" 3>&- 5<"$HOSTDIR/secret"
  local pid; pid=$(rt state "$CID" | jq .pid)
  [ "$(ls "/proc/$pid/fd" | sort -n | tr '\n' ' ')" = "0 1 2 " ]
  run "$RUNTIME" --root "$ROOT" exec "$CID" sh -c "$LIST_FDS" 3>&- 4</etc/hostname 6<"$HOSTDIR"
  echo "$output"
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = "0 1 2 3" ]
  [[ "$output" != *hostdir* ]]
}

@test "fd leak: cwd through /proc/self/fd/N never reaches a host directory" {
  set_args sh -c 'pwd; ls'
  local n
  for n in 3 4 5 6 7 8 9 10 11 12; do
    update_config '.process.cwd = "/proc/self/fd/'"$n"'"'
    run "$RUNTIME" --root "$ROOT" run --bundle "$BUNDLE" "$CID-$n" 3>&- 7<"$HOSTDIR" 8<"$HOSTDIR"
    echo "fd $n: status $status: $output"
    [[ "$output" != *secret* ]]
    if [ "$status" -eq 0 ]; then
      [[ "${lines[0]}" == /* ]]
    fi
    rt delete --force "$CID-$n" 2>/dev/null || true
    rmdir "/sys/fs/cgroup/"*"/berth-test/$CID-$n" 2>/dev/null || true
  done
}

@test "fd leak: exec --cwd through /proc/self/fd/N never reaches a host directory" {
  set_args sleep 100
  rt run -d --bundle "$BUNDLE" "$CID"
  local n
  for n in 3 4 5 6 7 8 9 10; do
    run "$RUNTIME" --root "$ROOT" exec --cwd "/proc/self/fd/$n" "$CID" sh -c 'pwd; ls' 3>&- 7<"$HOSTDIR" 8<"$HOSTDIR"
    echo "fd $n: status $status: $output"
    [[ "$output" != *secret* ]]
    if [ "$status" -eq 0 ]; then
      [[ "${lines[0]}" == /* ]]
    fi
  done
}

@test "fd leak: --preserve-fds passes exactly the fds asked for, and no more" {
  echo passed-through > "$TEST_DIR/three"
  echo not-passed > "$TEST_DIR/four"
  set_args sh -c 'cat <&3; if cat <&4 2>/dev/null; then echo LEAK; fi'
  run rt run --preserve-fds 1 --bundle "$BUNDLE" "$CID" 3<"$TEST_DIR/three" 4<"$TEST_DIR/four"
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = passed-through ]
  [[ "$output" != *LEAK* ]]
  [[ "$output" != *not-passed* ]]
}

@test "lsm: an AppArmor profile on a host without AppArmor is ignored with a warning" {
  [ "$(cat /sys/module/apparmor/parameters/enabled 2>/dev/null)" != Y ] || skip "this host runs AppArmor"
  update_config '.process.apparmorProfile = "docker-default"'
  set_args echo ran
  run rt run --bundle "$BUNDLE" "$CID"
  [ "$status" -eq 0 ]
  [[ "$output" == *"warning: process.apparmorProfile \"docker-default\" ignored: AppArmor is not enabled"* ]]
  [[ "$output" == *ran* ]]
}
