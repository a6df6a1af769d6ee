#!/usr/bin/env bats
# hooks: the six kinds, in order, each with the state on stdin; failures and timeouts.
load helpers

setup() {
  setup_bundle
  LOGDIR=$TEST_DIR/hooklog
  mkdir -p "$LOGDIR"
  # HOOK NAME LOGFILE: appends "NAME <state json from stdin>" to LOGFILE.
  HOOK=$TEST_DIR/hook.sh
  printf '#!/bin/sh\nprintf "%%s %%s\\n" "$1" "$(cat)" >> "$2"\n' > "$HOOK"
  chmod 755 "$HOOK"
  # startContainer hooks resolve their path inside the container: give it a copy.
  cp "$HOOK" "$BUNDLE/rootfs/hook.sh"
  update_config '.mounts += [{"destination": "/hooklog", "type": "bind", "source": "'"$LOGDIR"'", "options": ["bind", "rw"]}]'
}
teardown() {
  [ -n "${HOOK_PID:-}" ] && kill -9 "$HOOK_PID" 2>/dev/null
  teardown_bundle
}

# hook_json PATH ARG...: one hook entry.
hook_json() {
  local path=$1; shift
  jq -nc --arg p "$path" '{path: $p, args: ([$p] + $ARGS.positional)}' --args "$@"
}

@test "hooks: all six kinds run in order with the container's state" {
  local log=$LOGDIR/hooks.log
  update_config '.hooks = {
    "prestart": ['"$(hook_json "$HOOK" prestart "$log")"'],
    "createRuntime": ['"$(hook_json "$HOOK" createRuntime "$log")"'],
    "createContainer": ['"$(hook_json "$HOOK" createContainer "$log")"'],
    "startContainer": ['"$(hook_json /hook.sh startContainer /hooklog/hooks.log)"'],
    "poststart": ['"$(hook_json "$HOOK" poststart "$log")"'],
    "poststop": ['"$(hook_json "$HOOK" poststop "$log")"']}'
  set_args sleep 100
  rt create --bundle "$BUNDLE" "$CID"
  local pid; pid=$(rt state "$CID" | jq .pid)
  [ "$(cut -d' ' -f1 "$log" | tr '\n' ' ')" = "prestart createRuntime createContainer " ]
  rt start "$CID"
  wait_for_status "$CID" running
  cat "$log"; readlink /proc/$pid/ns/mnt
  [ "$(cut -d' ' -f1 "$log" | tr '\n' ' ')" = "prestart createRuntime createContainer startContainer poststart " ]
  rt kill "$CID" KILL
  wait_for_status "$CID" stopped
  # poststop runs on delete, not when the process dies.
  [ "$(wc -l < "$log")" -eq 5 ]
  rt delete "$CID"
  cat "$log"
  [ "$(cut -d' ' -f1 "$log" | tr '\n' ' ')" = "prestart createRuntime createContainer startContainer poststart poststop " ]
  local name json
  while read -r name json; do
    [ "$(echo "$json" | jq -r .id)" = "$CID" ]
    [ "$(echo "$json" | jq -r .bundle)" = "$BUNDLE" ]
    case $name in
      prestart|createRuntime|createContainer)
        [ "$(echo "$json" | jq -r .status)" = creating ]
        [ "$(echo "$json" | jq .pid)" = "$pid" ] ;;
      startContainer)
        [ "$(echo "$json" | jq -r .status)" = created ]
        [ "$(echo "$json" | jq .pid)" = "$pid" ] ;;
      poststart)
        [ "$(echo "$json" | jq -r .status)" = running ]
        [ "$(echo "$json" | jq .pid)" = "$pid" ] ;;
      poststop)
        [ "$(echo "$json" | jq -r .status)" = stopped ] ;;
    esac
  done < "$log"
}

@test "hooks: createContainer runs in the container's mount namespace, prestart in the host's" {
  local log=$LOGDIR/ns.log
  printf '#!/bin/sh\necho "$1 $(readlink /proc/self/ns/mnt)" >> "$2"\n' > "$TEST_DIR/ns.sh"
  chmod 755 "$TEST_DIR/ns.sh"
  update_config '.hooks = {
    "prestart": ['"$(hook_json "$TEST_DIR/ns.sh" prestart "$log")"'],
    "createContainer": ['"$(hook_json "$TEST_DIR/ns.sh" createContainer "$log")"']}'
  set_args sleep 100
  rt create --bundle "$BUNDLE" "$CID"
  local pid; pid=$(rt state "$CID" | jq .pid)
  cat "$log"
  [ "$(awk '$1 == "prestart" { print $2 }' "$log")" = "$(readlink /proc/self/ns/mnt)" ]
  [ "$(awk '$1 == "createContainer" { print $2 }' "$log")" = "$(readlink "/proc/$pid/ns/mnt")" ]
}

@test "hooks: a failing prestart hook fails create and leaves nothing" {
  update_config '.hooks.prestart = [{"path": "/bin/sh", "args": ["sh", "-c", "echo no >&2; exit 3"]}]'
  set_args sleep 100
  run rt create --bundle "$BUNDLE" "$CID"
  echo "$output"
  [ "$status" -eq 1 ]
  [[ "$output" == *prestart* ]]
  [[ "$output" == *"status 3"* ]]
  [ -z "$(rt list -q)" ]
  [ ! -e "$ROOT/$CID" ]
  [ ! -d "/sys/fs/cgroup/memory/berth-test/$CID" ]
  [ ! -d "/sys/fs/cgroup/pids/berth-test/$CID" ]
  ! grep -q "$BUNDLE" /proc/self/mountinfo
}

@test "hooks: a hanging createRuntime hook is killed at its timeout and create fails" {
  update_config '.hooks.createRuntime = [{"path": "/bin/sh", "args": ["sh", "-c", "echo $$ > '"$TEST_DIR"'/hook.pid; exec sleep 60"], "timeout": 1}]'
  set_args sleep 100
  local start=$SECONDS
  run rt create --bundle "$BUNDLE" "$CID"
  echo "$output"
  [ "$status" -eq 1 ]
  [[ "$output" == *"timed out"* ]]
  # killed at its 1 s timeout, not after the hook's 60 s (slack for a loaded machine)
  [ $((SECONDS - start)) -lt 30 ]
  HOOK_PID=$(cat "$TEST_DIR/hook.pid")
  [ ! -e "/proc/$HOOK_PID" ] || [ "$(awk '{ print $3 }' "/proc/$HOOK_PID/stat")" = Z ]
  [ -z "$(rt list -q)" ]
  [ ! -d "/sys/fs/cgroup/memory/berth-test/$CID" ]
}

@test "hooks: a hanging createContainer hook (run by the init) is killed at its timeout" {
  # The hook lives in the container's pid namespace: find it on the host by a unique argument.
  local marker=60.$$$BATS_TEST_NUMBER
  update_config '.hooks.createContainer = [{"path": "/bin/sleep", "args": ["sleep", "'"$marker"'"], "timeout": 1}]'
  set_args sleep 100
  local start=$SECONDS
  run rt create --bundle "$BUNDLE" "$CID"
  echo "$output"
  [ "$status" -eq 1 ]
  [[ "$output" == *"createContainer hook timed out"* ]]
  # killed at its 1 s timeout, not after the hook's 60 s (slack for a loaded machine)
  [ $((SECONDS - start)) -lt 30 ]
  HOOK_PID=$(pgrep -f "sleep $marker" || true)
  [ -z "$HOOK_PID" ]
  [ -z "$(rt list -q)" ]
  [ ! -d "/sys/fs/cgroup/memory/berth-test/$CID" ]
}

@test "hooks: a failing startContainer hook fails start, and poststart does not run" {
  update_config '.hooks = {"startContainer": [{"path": "/bin/false"}],
    "poststart": ['"$(hook_json "$HOOK" poststart "$LOGDIR/hooks.log")"']}'
  set_args sleep 100
  rt create --bundle "$BUNDLE" "$CID"
  run rt start "$CID"
  echo "$output"
  [ "$status" -eq 1 ]
  [ ! -e "$LOGDIR/hooks.log" ]
  [ "$(rt state "$CID" | jq -r .status)" = stopped ]
}

@test "hooks: a failing poststop hook does not fail delete" {
  update_config '.hooks.poststop = [{"path": "/bin/false"}]'
  set_args true
  rt create --bundle "$BUNDLE" "$CID"
  run rt delete "$CID"
  [ "$status" -eq 0 ]
  [ -z "$(rt list -q)" ]
}
