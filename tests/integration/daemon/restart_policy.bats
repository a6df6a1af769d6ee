#!/usr/bin/env bats
# Restart policies across a daemon restart (dockerd's restore): containers whose process died
# while berthd was down come back per their policy, with RestartCount counted; a stopped
# unless-stopped container stays stopped; a stopped container whose policy now says always is
# started at boot. And the engine's notify socket goes away on a clean shutdown.
load helpers

setup() {
  [ "$(id -u)" = 0 ] || skip "needs root (real containers)"
  [ -x "${BERTHD:-}" ] || skip "berthd not built"
  [ -x "$DOCKER" ] || skip "no docker CLI at $DOCKER"
  start_berthd
}

teardown() {
  local ids leaked
  if [ -n "${BERTHD_PID:-}" ]; then
    ids=$(dk ps -aq 2>/dev/null || true)
    [ -z "$ids" ] || dk rm -f $ids >/dev/null 2>&1 || true
  fi
  teardown_berthd_keep_dir
  leaked=$(awk -v d="$D" 'index($5, d) == 1 {print $5}' /proc/self/mountinfo)
  [ -z "$leaked" ] || { echo "leaked mounts: $leaked" >&2; for m in $leaked; do umount -l "$m"; done; }
  rm -rf "$D"
  [ -z "$leaked" ]
}

# teardown_berthd without removing $D (the mount check needs it).
teardown_berthd_keep_dir() { stop_berthd; }

state() { dk inspect -f "{{.State.Status}} {{.State.ExitCode}} {{.RestartCount}}" "$1"; }

# wait_for CONTAINER STATE: until `state` starts with STATE (30 s).
wait_for() {
  local i
  for i in $(seq 1 300); do
    [[ "$(state "$1")" == "$2"* ]] && return 0
    sleep 0.1
  done
  echo "$1: $(state "$1"), want $2" >&2
  return 1
}

@test "containers that died while berthd was down come back per their restart policy" {
  local name id pid shims=() pids=()
  dk run -d --name alw --restart always busybox sleep 1000 >/dev/null
  dk run -d --name nop busybox sleep 1000 >/dev/null
  dk run -d --name onf --restart on-failure:2 busybox sleep 1000 >/dev/null
  dk run -d --name us --restart unless-stopped busybox sleep 1000 >/dev/null
  dk run -d --name usx --restart unless-stopped busybox sleep 1000 >/dev/null
  dk stop -t 0 usx >/dev/null
  [ "$(state usx)" = "exited 137 0" ]

  for name in alw nop onf us; do
    id=$(dk inspect -f '{{.Id}}' "$name")
    pid=$(dk inspect -f '{{.State.Pid}}' "$name")
    [ "$pid" -gt 0 ]
    shims+=("$(cat "$EXEC/shims/$id/shim.pid")")
    pids+=("$pid")
  done

  stop_berthd KILL
  # While the daemon is down, each container's process is killed: its shim records the exit
  # and, finding no daemon to tell, leaves.
  for pid in "${pids[@]}"; do kill -KILL "$pid"; done
  local s i
  for s in "${shims[@]}" "${pids[@]}"; do
    for i in $(seq 1 300); do kill -0 "$s" 2>/dev/null || break; sleep 0.1; done
    ! kill -0 "$s" 2>/dev/null
  done

  start_berthd
  poll_until 30 grep -q "exited with 137 while the daemon was down" "$LOG"
  wait_for alw "running 0 1"
  wait_for onf "running 0 1"
  wait_for us "running 0 1"
  [ "$(state nop)" = "exited 137 0" ]
  # The restarted ones run in new processes.
  for name in alw onf us; do
    pid=$(dk inspect -f '{{.State.Pid}}' "$name")
    [ "$pid" -gt 0 ]
    for s in "${pids[@]}"; do [ "$pid" != "$s" ]; done
    kill -0 "$pid"
  done
  # The one the user stopped stays stopped.
  sleep 0.5
  [ "$(state usx)" = "exited 137 0" ]
  [ "$(dk ps --format '{{.Names}}' | sort | tr '\n' ' ')" = "alw onf us " ]
}

@test "a stopped container its policy wants running is started at boot; a clean stop removes engine.sock" {
  # Exits at once the first time, runs on every later start (its writable layer persists).
  dk run --name upd busybox sh -c 'if [ -e /ran ]; then exec sleep 1000; fi; touch /ran'
  [ "$(state upd)" = "exited 0 0" ]
  # dockerd starts containers with restart policy always at boot, however they stopped,
  # unless the user stopped them.
  dk update --restart always upd >/dev/null
  dk run --name ofa --restart on-failure busybox true || true
  wait_for ofa "exited 0"
  [ -S "$EXEC/engine.sock" ]
  stop_berthd
  [ ! -e "$EXEC/engine.sock" ]
  start_berthd
  wait_for upd "running 0 0"
  # on-failure after exit code 0: not started.
  sleep 0.5
  [ "$(state ofa)" = "exited 0 0" ]
}
