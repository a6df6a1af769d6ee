#!/usr/bin/env bats
# linux.resources.pids: a limit stops a fork bomb.
load helpers

setup() { setup_bundle; }
teardown() { teardown_bundle; }

@test "pids: a limit of 20 stops a fork bomb, and nothing of it survives" {
  update_config '.linux.resources.pids = {"limit": 20}'
  # The bomb runs in a child shell (a failed fork ends a busybox shell); at most 200 forks,
  # each living 30 s, in case the limit does not hold. pid 1 then reads the counters with
  # builtins (no fork), kills the rest with kill -1 and forks again.
  set_args sh -c '
    sh -c "for i in \$(seq 1 200); do sleep 30 & done; echo all-forked" 2>&1
    read max < /sys/fs/cgroup/pids/pids.max; read cur < /sys/fs/cgroup/pids/pids.current
    echo "$max $cur"
    kill -9 -1
    i=0; while [ $i -lt 300 ]; do sh -c "echo fork-ok" 2>/dev/null && break; i=$((i+1)); sleep 0.1; done'
  local start=$SECONDS
  run rt run --bundle "$BUNDLE" "$CID"
  echo "$output"
  [ "$status" -eq 0 ]
  [[ "${lines[0]}" == *"can't fork"* ]]
  [[ "$output" != *all-forked* ]]
  read -r max cur <<<"${lines[1]}"
  [ "$max" = 20 ]
  [ "$cur" -le 20 ]
  [ "$cur" -ge 15 ]
  [ "${lines[2]}" = fork-ok ]
  # Done well before the forks' 30 s: they were stopped, not waited out (slack for a loaded machine).
  [ $((SECONDS - start)) -lt 28 ]
  [ ! -d "/sys/fs/cgroup/pids/berth-test/$CID" ]
}
