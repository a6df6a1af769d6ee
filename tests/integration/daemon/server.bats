#!/usr/bin/env bats
# The daemon's socket, pid file, errors and shutdown.
load helpers

teardown() { teardown_berthd; }

@test "socket is mode 0660, its new parent dir 0711" {
  start_berthd
  [ "$(stat -c %a "$SOCK")" = 660 ]
  [ "$(stat -c %a "$(dirname "$SOCK")")" = 711 ]
  [ "$(stat -c %F "$SOCK")" = socket ]
}

@test "unknown path is a 404 with a JSON message" {
  start_berthd
  run api /v1.47/no/such/thing -i
  [[ "$output" == *"HTTP/1.1 404 Not Found"* ]]
  [[ "$output" == *"Content-Type: application/json"* ]]
  [ "$(api /v1.47/no/such/thing | jq -r .message)" = "page not found" ]
}

@test "wrong method is a 405" {
  start_berthd
  run api /version -X DELETE -o /dev/null -w '%{http_code}'
  [ "$output" = 405 ]
}

@test "too new and too old API versions get Docker's 400 messages" {
  start_berthd
  run api /v1.99/version -o /dev/null -w '%{http_code}'
  [ "$output" = 400 ]
  [ "$(api /v1.99/version | jq -r .message)" = "client version 1.99 is too new. Maximum supported API version is 1.47" ]
  [[ "$(api /v1.12/version | jq -r .message)" == "client version 1.12 is too old. Minimum supported API version is 1.24"* ]]
}

@test "a second berthd on the same socket refuses to start" {
  start_berthd
  run "$BERTHD" --data-root "$D/data2" --exec-root "$D/exec2" -H "unix://$SOCK" \
    --pidfile "$D/other.pid" --config-file "$CONFIG"
  [ "$status" -ne 0 ]
  [[ "$output" == *"already listening on $SOCK"* ]]
  [ ! -e "$D/other.pid" ]
  # The first one is unharmed.
  [ "$(api /_ping)" = OK ]
}

@test "a second berthd with the same pid file refuses to start" {
  start_berthd
  run "$BERTHD" --data-root "$D/data2" --exec-root "$D/exec2" -H "unix://$D/other.sock" \
    --pidfile "$PIDFILE" --config-file "$CONFIG"
  [ "$status" -ne 0 ]
  [[ "$output" == *"names a running berthd"* ]]
  [ "$(cat "$PIDFILE")" = "$BERTHD_PID" ]
}

@test "SIGTERM removes the socket and the pid file" {
  start_berthd
  [ -S "$SOCK" ]
  [ "$(cat "$PIDFILE")" = "$BERTHD_PID" ]
  pid=$BERTHD_PID
  stop_berthd TERM
  ! kill -0 "$pid" 2>/dev/null
  [ ! -e "$SOCK" ]
  [ ! -e "$PIDFILE" ]
  grep -q 'level=info msg="received SIGTERM, shutting down"' "$LOG"
}

@test "SIGINT shuts down too" {
  start_berthd
  stop_berthd INT
  [ ! -e "$SOCK" ]
  [ ! -e "$PIDFILE" ]
}

@test "a stale socket and pid file from a killed daemon are replaced" {
  start_berthd
  stop_berthd KILL
  [ -S "$SOCK" ]
  [ -e "$PIDFILE" ]
  start_berthd
  [ "$(api /_ping)" = OK ]
  [ "$(cat "$PIDFILE")" = "$BERTHD_PID" ]
}

@test "an open events stream does not block other requests or shutdown" {
  start_berthd
  curl -sN --unix-socket "$SOCK" http://berth/events > "$D/events.out" &
  curl_pid=$!
  sleep 0.2
  [ "$(api /_ping)" = OK ]
  run dk version --format '{{.Server.APIVersion}}'
  [ "$output" = 1.47 ]
  stop_berthd TERM
  # The daemon ended the stream, so curl finished on its own.
  wait "$curl_pid"
  [ ! -e "$SOCK" ]
}

@test "tcp without TLS needs an explicit --tls=false, then warns" {
  setup_dirs
  run "$BERTHD" --data-root "$DATA" --exec-root "$EXEC" -H tcp://127.0.0.1:2375 \
    --pidfile "$PIDFILE" --config-file "$CONFIG"
  [ "$status" -ne 0 ]
  [[ "$output" == *"without TLS"* ]]
  [[ "$output" == *"--tls=false"* ]]
  port=$(( 20000 + RANDOM % 20000 ))
  start_berthd -H "tcp://127.0.0.1:$port" --tls=false
  grep -q 'level=warning.*WITHOUT TLS' "$LOG"
  [ "$(curl -sS "http://127.0.0.1:$port/_ping")" = OK ]
}
