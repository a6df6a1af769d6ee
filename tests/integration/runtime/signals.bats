#!/usr/bin/env bats
# Signals sent to `berth-runtime run` reach the container's process.
load helpers

setup() { setup_bundle; }
teardown() { teardown_bundle; }

# wait_for_line FILE TEXT: poll for up to 30 s until FILE contains the line TEXT.
wait_for_line() {
  local deadline=$(( SECONDS + 30 ))
  while (( SECONDS < deadline )); do
    grep -qx "$2" "$1" 2>/dev/null && return 0
    sleep 0.01
  done
  echo "never saw '$2' in $1: $(cat "$1")" >&2
  return 1
}

@test "signals: SIGTERM to the runtime reaches the container, which exits with its own code" {
  set_args sh -c 'trap "echo got-term; exit 42" TERM; echo ready; while :; do sleep 0.05; done'
  "$RUNTIME" --root "$ROOT" run --bundle "$BUNDLE" "$CID" >"$TEST_DIR/out" 2>&1 3>&- &
  local runner=$!
  wait_for_line "$TEST_DIR/out" ready
  kill -TERM "$runner"
  local code=0
  wait "$runner" || code=$?
  [ "$code" -eq 42 ]
  grep -qx got-term "$TEST_DIR/out"
}

@test "signals: SIGUSR1 and SIGHUP are forwarded too, and the runtime keeps running" {
  set_args sh -c 'trap "echo usr1" USR1; trap "echo hup; exit 7" HUP; echo ready; while :; do sleep 0.05; done'
  "$RUNTIME" --root "$ROOT" run --bundle "$BUNDLE" "$CID" >"$TEST_DIR/out" 2>&1 3>&- &
  local runner=$!
  wait_for_line "$TEST_DIR/out" ready
  kill -USR1 "$runner"
  wait_for_line "$TEST_DIR/out" usr1
  kill -0 "$runner"
  [ "$(rt state "$CID" | jq -r .status)" = running ]
  kill -HUP "$runner"
  local code=0
  wait "$runner" || code=$?
  [ "$code" -eq 7 ]
}

@test "signals: pid 1 without a handler ignores a forwarded SIGTERM; SIGKILL ends it with 137" {
  set_args sh -c 'echo ready; sleep 100; :'
  "$RUNTIME" --root "$ROOT" run --bundle "$BUNDLE" "$CID" >"$TEST_DIR/out" 2>&1 3>&- &
  local runner=$!
  wait_for_line "$TEST_DIR/out" ready
  # The runtime forwards to pid 1 only; pid 1 (sh) has no handler and ignores it.
  kill -TERM "$runner"
  sleep 0.2
  [ "$(rt state "$CID" | jq -r .status)" = running ]
  rt kill "$CID" KILL
  local code=0
  wait "$runner" || code=$?
  [ "$code" -eq 137 ]
}
