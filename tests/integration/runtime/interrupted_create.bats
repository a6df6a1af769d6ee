#!/usr/bin/env bats
# A runtime SIGKILLed in the middle of create leaves nothing `delete --force` cannot remove.
load helpers

setup() { setup_bundle; }
teardown() {
  [ -n "${HOOK_PID:-}" ] && kill -9 "$HOOK_PID" 2>/dev/null
  teardown_bundle
}

# wait_for_file FILE: poll up to 30 s.
wait_for_file() {
  local deadline=$(( SECONDS + 30 ))
  while (( SECONDS < deadline )); do [ -s "$1" ] && return 0; sleep 0.01; done
  echo "$1 never appeared" >&2
  return 1
}

# create_and_kill HOOK_KIND: create with a hook of that kind that waits; SIGKILL create while it
# waits. The hook sleeps far longer than the test waits for anything, so it is still waiting
# when the create is killed however slow the machine, and it ends only if something kills it.
create_and_kill() {
  update_config '.hooks.'"$1"' = [{"path": "/bin/sh", "args": ["sh", "-c", "echo $$ > '"$TEST_DIR"'/hook.pid; exec sleep 120"]}]'
  set_args sleep 100
  "$RUNTIME" --root "$ROOT" create --bundle "$BUNDLE" "$CID" 3>&- &
  local creator=$!
  wait_for_file "$TEST_DIR/hook.pid"
  HOOK_PID=$(cat "$TEST_DIR/hook.pid")
  INIT_PID=$(jq -r '.pid // 0' "$ROOT/$CID/state.json" 2>/dev/null || echo 0)
  kill -9 "$creator"
  wait "$creator" || true
}

# all_gone: no state, cgroup, init or mount is left.
all_gone() {
  [ -z "$(rt list -q)" ]
  [ ! -e "$ROOT/$CID" ]
  local c
  for c in memory pids freezer cpu devices; do [ ! -d "/sys/fs/cgroup/$c/berth-test/$CID" ]; done
  ! grep -qF "$BUNDLE" /proc/self/mountinfo
  if [ "${INIT_PID:-0}" -gt 0 ]; then
    poll_until 30 process_dead "$INIT_PID"
  fi
}

@test "interrupted create: killed during a createRuntime hook, delete --force cleans up" {
  create_and_kill createRuntime
  # The container is listed (not running) until it is deleted.
  run rt state "$CID"
  echo "$output"
  [ "$status" -eq 0 ]
  [ "$(jq -r .status <<<"$output")" != running ]
  rt delete --force "$CID"
  all_gone
}

@test "interrupted create: the init does not outlive the killed create" {
  create_and_kill prestart
  local pid; pid=$(jq -r '.pid // 0' "$ROOT/$CID/state.json")
  [ "$pid" -gt 0 ]
  # PDEATHSIG: the init dies with its creator.
  poll_until 30 process_dead "$pid"
  rt delete --force "$CID"
  all_gone
}

@test "interrupted create: the hook the runtime was waiting for does not survive it" {
  create_and_kill createRuntime
  poll_until 30 process_dead "$HOOK_PID"
}

@test "interrupted create: the same id can be created again after delete --force" {
  create_and_kill createRuntime
  rt delete --force "$CID"
  update_config 'del(.hooks)'
  set_args true
  run rt run --bundle "$BUNDLE" "$CID"
  [ "$status" -eq 0 ]
  all_gone
}
