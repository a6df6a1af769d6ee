#!/usr/bin/env bats
# berth-runtime run: a real container, its view of itself, and its exit codes.
load helpers

setup() { setup_bundle; }
teardown() { teardown_bundle; }

@test "run: the process is pid 1 in its own pid namespace" {
  set_args sh -c 'echo $$'
  run rt run "$CID" --bundle "$BUNDLE"
  [ "$status" -eq 0 ]
  [ "$output" = "1" ]
}

@test "run: hostname comes from config.json" {
  update_config '.hostname = "box-'"$BATS_TEST_NUMBER"'"'
  set_args hostname
  run rt run --bundle "$BUNDLE" "$CID"
  [ "$status" -eq 0 ]
  [ "$output" = "box-$BATS_TEST_NUMBER" ]
}

@test "run: exit codes 0, 1 and 137 after SIGKILL" {
  set_args true
  run rt run --bundle "$BUNDLE" "$CID"
  [ "$status" -eq 0 ]
  set_args false
  run rt run --bundle "$BUNDLE" "$CID"
  [ "$status" -eq 1 ]
  # pid 1 ignores SIGKILL sent from inside its namespace: kill it from outside.
  set_args sleep 100
  rt run --bundle "$BUNDLE" "$CID" 3>&- &
  local runner=$!
  wait_for_status "$CID" running
  rt kill "$CID" KILL
  local code=0
  wait "$runner" || code=$?
  [ "$code" -eq 137 ]
}

@test "run: leaves no state or cgroup behind" {
  set_args true
  run rt run --bundle "$BUNDLE" "$CID"
  [ "$status" -eq 0 ]
  [ -z "$(rt list -q)" ]
  [ ! -d "/sys/fs/cgroup/memory/berth-test/$CID" ]
}
