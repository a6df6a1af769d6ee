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

@test "socket group: dockerd's default group docker, or root's with a warning when it is missing" {
  start_berthd
  if gid=$(getent group docker | cut -d: -f3) && [ -n "$gid" ]; then
    [ "$(stat -c %g "$SOCK")" = "$gid" ]
  else
    [ "$(stat -c %g "$SOCK")" = 0 ]
    grep -q "group docker not found" "$LOG"
  fi
}

@test "-G names the socket's group: its members may use the API, others may not" {
  start_berthd -G nogroup
  [ "$(stat -c %G "$SOCK")" = nogroup ]
  chmod 0711 "$D"  # mktemp made it 0700: let the unprivileged probes reach the socket
  # uid nobody with the socket's group: allowed; without it: refused by the socket's mode.
  run setpriv --reuid=nobody --regid=nogroup --clear-groups curl -sS --unix-socket "$SOCK" http://berth/_ping
  [ "$status" -eq 0 ]
  [ "$output" = OK ]
  run setpriv --reuid=nobody --regid=daemon --clear-groups curl -sS --unix-socket "$SOCK" http://berth/_ping
  [ "$status" -eq 7 ]  # curl: could not connect (EACCES on the socket)
}

@test "-G of a group that does not exist stops berthd; daemon.json group works too" {
  setup_dirs
  run "$BERTHD" --data-root "$DATA" --exec-root "$EXEC" -H "unix://$SOCK" --pidfile "$PIDFILE" \
    --config-file "$CONFIG" -G no-such-berth-group
  [ "$status" -ne 0 ]
  [[ "$output" == *"group no-such-berth-group for the API socket not found (-G, --group)"* ]]
  [ ! -e "$SOCK" ]
  echo '{"group": "nogroup"}' > "$CONFIG"
  start_berthd
  [ "$(stat -c %G "$SOCK")" = nogroup ]
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
  curl -sN -D "$D/events.headers" --unix-socket "$SOCK" http://berth/events > "$D/events.out" 3>&- &
  curl_pid=$!
  # The stream is open once its headers are here (30 s at most).
  poll_until 30 grep -q '^HTTP/1.1 200' "$D/events.headers"
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
