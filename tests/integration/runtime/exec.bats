#!/usr/bin/env bats
# exec: a new process in a running container.
load helpers

setup() {
  setup_bundle
  set_args sleep 100
  rt run -d --bundle "$BUNDLE" "$CID"
  wait_for_status "$CID" running
  INIT_PID=$(rt state "$CID" | jq .pid)
}
teardown() {
  [ -n "${EXEC_PID:-}" ] && kill -9 "$EXEC_PID" 2>/dev/null
  teardown_bundle
}

@test "exec: args run inside the container's namespaces" {
  run rt exec "$CID" sh -c 'echo hi; hostname; for n in pid mnt net; do readlink /proc/self/ns/$n; done'
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = hi ]
  [ "${lines[1]}" = "$(jq -r .hostname "$BUNDLE/config.json")" ]
  [ "${lines[2]}" = "$(readlink "/proc/$INIT_PID/ns/pid")" ]
  [ "${lines[3]}" = "$(readlink "/proc/$INIT_PID/ns/mnt")" ]
  [ "${lines[4]}" = "$(readlink "/proc/$INIT_PID/ns/net")" ]
}

@test "exec: -e adds and overrides env, --cwd and -u set cwd and user" {
  run rt exec -e FOO=bar -e TERM=dumb --cwd /proc -u 1000:1001 "$CID" sh -c 'echo $FOO $TERM; pwd; id -u; id -g'
  echo "$output"
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = "bar dumb" ]
  [ "${lines[1]}" = /proc ]
  [ "${lines[2]}" = 1000 ]
  [ "${lines[3]}" = 1001 ]
}

@test "exec: the exit code passes through; a missing command fails with 1 (as runc)" {
  run rt exec "$CID" sh -c 'exit 5'
  [ "$status" -eq 5 ]
  run rt exec "$CID" false
  [ "$status" -eq 1 ]
  run rt exec "$CID" no-such-command
  [ "$status" -eq 1 ]
  [[ "$output" == *no-such-command* ]]
}

@test "exec: --detach returns at once and --pid-file names the process, in the container's cgroup" {
  local start=$SECONDS
  rt exec --detach --pid-file "$TEST_DIR/exec.pid" "$CID" sleep 77
  # at once: not after the 77 s the process lives (slack for a loaded machine)
  [ $((SECONDS - start)) -lt 30 ]
  EXEC_PID=$(cat "$TEST_DIR/exec.pid")
  [ "$EXEC_PID" -gt 0 ]
  [ "$(tr '\0' ' ' < "/proc/$EXEC_PID/cmdline")" = "sleep 77 " ]
  [ "$(readlink "/proc/$EXEC_PID/ns/pid")" = "$(readlink "/proc/$INIT_PID/ns/pid")" ]
  grep -q "memory:/berth-test/$CID\$" "/proc/$EXEC_PID/cgroup"
  run rt ps --format json "$CID"
  [[ "$(jq -c . <<<"$output")" == *"$EXEC_PID"* ]]
}

@test "exec: --process FILE takes args, env, cwd and user from a process JSON" {
  cat > "$TEST_DIR/process.json" <<'JSON'
{"args": ["sh", "-c", "echo $ONLY; pwd; id -u; id -G; exit 9"], "env": ["ONLY=me", "PATH=/bin"],
 "cwd": "/dev", "user": {"uid": 42, "gid": 43, "additionalGids": [44]}}
JSON
  run rt exec --process "$TEST_DIR/process.json" "$CID"
  echo "$output"
  [ "$status" -eq 9 ]
  [ "${lines[0]}" = me ]
  [ "${lines[1]}" = /dev ]
  [ "${lines[2]}" = 42 ]
  [ "${lines[3]}" = "43 44" ]
}

@test "exec: a stopped container refuses exec" {
  rt kill "$CID" KILL
  wait_for_status "$CID" stopped
  run rt exec "$CID" true
  [ "$status" -eq 1 ]
  [[ "$output" == *stopped* ]]
}
