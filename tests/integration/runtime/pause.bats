#!/usr/bin/env bats
# pause and resume: the freezer stops every process of the container, resume restarts them.
load helpers

setup() {
  setup_bundle
  update_config '.root.readonly = false'
}
teardown() { teardown_bundle; }

# counter: the number the container last wrote (0 before the first). The container renames
# each number into place, so a read never sees a half-written file, even when the freezer
# stopped the writer in the middle.
counter() {
  local v
  v=$(cat "$BUNDLE/rootfs/counter" 2>/dev/null)
  echo "${v:-0}"
}

# counter_above N: the counter has gone past N.
counter_above() { [ "$(counter)" -gt "$1" ]; }

@test "pause: state says paused and a counter stops; resume makes it advance again" {
  set_args sh -c 'i=0; while :; do i=$((i+1)); echo $i > /counter.new; mv /counter.new /counter; sleep 0.02; done'
  rt run -d --bundle "$BUNDLE" "$CID"
  wait_for_status "$CID" running
  poll_until 30 counter_above 0
  rt pause "$CID"
  [ "$(rt state "$CID" | jq -r .status)" = paused ]
  local a b
  a=$(counter)
  sleep 0.5
  b=$(counter)
  [ "$a" = "$b" ]
  # The process still exists, frozen.
  local pid; pid=$(rt state "$CID" | jq .pid)
  [ -d "/proc/$pid" ]
  rt resume "$CID"
  [ "$(rt state "$CID" | jq -r .status)" = running ]
  poll_until 30 counter_above "$b"
}

@test "pause: children are frozen too, and pausing twice or resuming a running container fails" {
  set_args sh -c 'sh -c "i=0; while :; do i=\$((i+1)); echo \$i > /counter.new; mv /counter.new /counter; sleep 0.02; done" & wait'
  rt run -d --bundle "$BUNDLE" "$CID"
  wait_for_status "$CID" running
  run rt resume "$CID"
  [ "$status" -eq 1 ]
  [[ "$output" == *"not paused"* ]]
  poll_until 30 counter_above 0
  rt pause "$CID"
  run rt pause "$CID"
  [ "$status" -eq 1 ]
  local a; a=$(counter)
  sleep 0.4
  [ "$(counter)" = "$a" ]
  rt resume "$CID"
}

@test "pause: a paused container can be deleted with --force" {
  set_args sleep 100
  rt run -d --bundle "$BUNDLE" "$CID"
  wait_for_status "$CID" running
  local pid; pid=$(rt state "$CID" | jq .pid)
  rt pause "$CID"
  rt delete --force "$CID"
  [ -z "$(rt list -q)" ]
  process_dead "$pid"
  [ ! -d "/sys/fs/cgroup/freezer/berth-test/$CID" ]
}
