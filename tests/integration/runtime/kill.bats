#!/usr/bin/env bats
# kill: signals by name and number, and --all.
load helpers

setup() { setup_bundle; }
teardown() { teardown_bundle; }

@test "kill: signal names and numbers reach pid 1" {
  set_args sh -c 'trap "echo usr1" USR1; trap "exit 3" TERM; while :; do sleep 0.05; done'
  "$RUNTIME" --root "$ROOT" run --bundle "$BUNDLE" "$CID" >"$TEST_DIR/out" 3>&- &
  local runner=$!
  wait_for_status "$CID" running
  # pid 1 ignores a signal it has no handler for: wait until both traps are in place.
  wait_trapped "$(rt state "$CID" | jq .pid)" USR1 TERM
  # One at a time: pending signals of one kind coalesce.
  local n=0 sig
  for sig in SIGUSR1 usr1 10; do
    rt kill "$CID" "$sig"
    n=$((n + 1))
    poll_until 30 eval '[ "$(grep -c usr1 "$TEST_DIR/out")" -ge $n ]'
  done
  rt kill "$CID"   # SIGTERM by default
  local code=0
  wait "$runner" || code=$?
  [ "$code" -eq 3 ]
  [ "$(grep -c usr1 "$TEST_DIR/out")" -eq 3 ]
}

@test "kill --all: every process of the container gets the signal" {
  # pid 1 ignores SIGTERM (no handler); its children do not.
  set_args sh -c 'sleep 100 & sleep 100 & sh -c "sleep 100; :" & wait; echo children-gone; sleep 100'
  rt run -d --bundle "$BUNDLE" "$CID"
  wait_for_status "$CID" running
  local pids deadline=$(( SECONDS + 30 ))
  while (( SECONDS < deadline )); do
    pids=$(rt ps --format json "$CID" | jq -r '.[]')
    [ "$(echo "$pids" | wc -w)" -ge 5 ] && break
    sleep 0.02
  done
  [ "$(echo "$pids" | wc -w)" -ge 5 ]
  # SIGTERM to all: the children die, pid 1 (no handler) lives on.
  rt kill --all "$CID" TERM
  local p init; init=$(rt state "$CID" | jq .pid)
  for p in $pids; do
    [ "$p" = "$init" ] && continue
    poll_until 30 process_dead "$p"
  done
  [ "$(rt state "$CID" | jq -r .status)" = running ]
  rt kill --all "$CID" KILL
  wait_for_status "$CID" stopped
  for p in $pids; do poll_until 30 process_dead "$p"; done
}

@test "kill: an unknown signal and a stopped container are errors" {
  set_args sleep 100
  rt run -d --bundle "$BUNDLE" "$CID"
  run rt kill "$CID" SIGNOPE
  [ "$status" -eq 1 ]
  [[ "$output" == *SIGNOPE* ]]
  rt kill "$CID" KILL
  wait_for_status "$CID" stopped
  run rt kill "$CID" KILL
  [ "$status" -eq 1 ]
}
