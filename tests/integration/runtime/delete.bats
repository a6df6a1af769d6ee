#!/usr/bin/env bats
# delete: refuses a running container without --force, removes everything with it.
load helpers

setup() { setup_bundle; }
teardown() { teardown_bundle; }

# nothing_left: no state, no cgroup, no process, no mount of the bundle.
nothing_left() {
  [ -z "$(rt list -q)" ]
  [ ! -e "$ROOT/$CID" ]
  local c
  for c in memory pids freezer cpu devices; do [ ! -d "/sys/fs/cgroup/$c/berth-test/$CID" ]; done
  ! grep -qF "$BUNDLE" /proc/self/mountinfo
}

@test "delete: a running container without --force is refused with a message, and keeps running" {
  set_args sleep 100
  rt run -d --bundle "$BUNDLE" "$CID"
  run rt delete "$CID"
  echo "$output"
  [ "$status" -eq 1 ]
  [[ "$output" == *"$CID"* ]]
  [[ "$output" == *"not stopped"* ]] || [[ "$output" == *running* ]]
  [ "$(rt state "$CID" | jq -r .status)" = running ]
}

@test "delete --force: a running container and all its processes go, with its cgroup" {
  set_args sh -c 'sleep 100 & sleep 100; exit 0'
  rt run -d --bundle "$BUNDLE" "$CID"
  wait_for_status "$CID" running
  local pids deadline=$(( SECONDS + 30 ))
  while (( SECONDS < deadline )); do
    pids=$(rt ps --format json "$CID" | jq -r '.[]')
    [ "$(echo "$pids" | wc -w)" -ge 3 ] && break
    sleep 0.02
  done
  [ "$(echo "$pids" | wc -w)" -ge 3 ]
  rt delete --force "$CID"
  nothing_left
  local p
  for p in $pids; do process_dead "$p"; done
}

@test "delete: a stopped container and a created one need no --force" {
  set_args true
  rt run -d --bundle "$BUNDLE" "$CID"
  wait_for_status "$CID" stopped
  rt delete "$CID"
  nothing_left
  set_args sleep 100
  rt create --bundle "$BUNDLE" "$CID"
  local pid; pid=$(rt state "$CID" | jq .pid)
  rt delete "$CID"
  nothing_left
  poll_until 30 process_dead "$pid"
}

@test "delete: an unknown container is an error" {
  run rt delete "nosuch-$CID"
  [ "$status" -eq 1 ]
  [[ "$output" == *"nosuch-$CID"* ]]
}

@test "delete: a relative cgroupsPath is removed from every hierarchy" {
  # Relative paths resolve below the creator's own cgroup, which differs per hierarchy on
  # hosts like this one (memory sits below the VM agent's cgroup): delete must find them all.
  local rel="berth-rel-$CID"
  update_config ".linux.cgroupsPath = \"$rel\""
  set_args sleep 100
  rt run -d --bundle "$BUNDLE" "$CID"
  local before; before=$(find /sys/fs/cgroup -maxdepth 5 -type d -name "$rel" | wc -l)
  [ "$before" -ge 2 ]
  rt delete --force "$CID"
  [ -z "$(find /sys/fs/cgroup -maxdepth 5 -type d -name "$rel")" ]
}
