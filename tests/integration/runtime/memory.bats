#!/usr/bin/env bats
# linux.resources.memory: the limit is applied and a process over it is OOM-killed.
load helpers

setup() { setup_bundle; }
teardown() { teardown_bundle; }

@test "memory: the limit is set on the container's cgroup" {
  update_config '.linux.resources.memory = {"limit": 33554432, "swap": 33554432}'
  set_args cat /sys/fs/cgroup/memory/memory.limit_in_bytes
  run rt run --bundle "$BUNDLE" "$CID"
  [ "$status" -eq 0 ]
  [ "$output" = 33554432 ]
}

@test "memory: a hog over a 32 MiB limit (swap = limit) is killed: 137" {
  update_config '.linux.resources.memory = {"limit": 33554432, "swap": 33554432}'
  # A shell variable of 200 MiB: the memory is the shell's own, so the OOM killer picks it.
  set_args sh -c 'x=$(head -c 209715200 /dev/zero | tr "\0" a); echo survived ${#x}'
  local start=$SECONDS
  run rt run --bundle "$BUNDLE" "$CID"
  [ "$status" -eq 137 ]
  [[ "$output" != *survived* ]]
  [ $((SECONDS - start)) -lt 30 ]
  [ ! -d "/sys/fs/cgroup/memory/berth-test/$CID" ]
}

@test "memory: a small allocation fits under a larger limit" {
  update_config '.linux.resources.memory = {"limit": 268435456, "swap": 268435456}'
  set_args sh -c 'x=$(head -c 4194304 /dev/zero | tr "\0" a); echo survived ${#x}'
  run rt run --bundle "$BUNDLE" "$CID"
  [ "$status" -eq 0 ]
  [ "$output" = "survived 4194304" ]
}
