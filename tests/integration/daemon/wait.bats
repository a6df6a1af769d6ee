#!/usr/bin/env bats
# POST /containers/{id}/wait: the 200 header goes out as soon as the wait is registered (before
# the container exits, as dockerd does; `docker run` starts the container only after it), the
# answer comes with the exit, and a daemon stopping ends waits at once instead of hanging.
load helpers

setup() {
  [ "$(id -u)" = 0 ] || skip "needs root (real containers)"
  [ -x "${BERTHD:-}" ] || skip "berthd not built"
  [ -x "$DOCKER" ] || skip "no docker CLI at $DOCKER"
  start_berthd
}

teardown() {
  [ -n "${WAITER:-}" ] && kill "$WAITER" 2>/dev/null
  if [ -n "${BERTHD_PID:-}" ]; then dk rm -f wt >/dev/null 2>&1 || true; fi
  teardown_berthd
}

# start_waiter CONDITION: a wait in the background, its headers and body in files.
start_waiter() {
  curl -sS -N --unix-socket "$SOCK" -X POST -D "$D/headers" -o "$D/body" \
    "http://berth/containers/wt/wait?condition=$1" &
  WAITER=$!
}

# headers_arrived: the 200 header is there (30 s at most).
headers_arrived() {
  local i
  for i in $(seq 1 600); do grep -q '^HTTP/1.1 200' "$D/headers" 2>/dev/null && return 0; sleep 0.05; done
  return 1
}

@test "the header comes before the exit, the status code with it" {
  dk run -d --name wt busybox sleep 1000 >/dev/null
  start_waiter not-running
  headers_arrived
  [ ! -s "$D/body" ]
  [ "$(dk inspect -f '{{.State.Running}}' wt)" = true ]
  dk kill wt >/dev/null
  wait "$WAITER"
  WAITER=
  [ "$(jq -c . "$D/body")" = '{"Error":null,"StatusCode":137}' ]
}

@test "next-exit waits for the next exit of a running container, across a restart" {
  dk run -d --name wt busybox sh -c 'trap "exit 7" TERM; sleep 1000 & wait' >/dev/null
  # pid 1 ignores a SIGTERM that comes before its trap: the restart waits for it.
  wait_trapped "$(dk inspect -f '{{.State.Pid}}' wt)" TERM
  start_waiter next-exit
  headers_arrived
  dk restart -t 5 wt >/dev/null
  wait "$WAITER"
  WAITER=
  [ "$(jq -r .StatusCode "$D/body")" = 7 ]
  [ "$(dk inspect -f '{{.State.Running}}' wt)" = true ]
}

@test "a wait in flight ends at once when the daemon stops; the container lives on" {
  local pid t0
  dk run -d --name wt busybox sleep 1000 >/dev/null
  pid=$(dk inspect -f '{{.State.Pid}}' wt)
  start_waiter not-running
  headers_arrived
  t0=$(date +%s%N)
  stop_berthd
  # Under the server's 5 s grace for stuck handlers (which would also log "stuck", checked
  # below); the bound leaves a loaded machine its slack below that.
  [ $(( ($(date +%s%N) - t0) / 1000000 )) -lt 5000 ]
  wait "$WAITER" || true
  WAITER=
  [ "$(jq -r .Error.Message "$D/body")" = "the daemon is shutting down" ]
  ! grep -q "stuck" "$LOG"
  kill -0 "$pid"
  start_berthd
  [ "$(dk inspect -f '{{.State.Running}}' wt)" = true ]
}
