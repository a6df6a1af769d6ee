#!/usr/bin/env bats
# GET /events: a stream in Docker's shape, with filters and since/until.
load helpers

setup() { start_berthd; }
teardown() { teardown_berthd; }

@test "since/until in the past on an empty bus: headers, no events, stream closes" {
  now=$(date +%s)
  run timeout 30 curl -sS -i --unix-socket "$SOCK" "http://berth/v1.47/events?since=0&until=$now"
  [ "$status" -eq 0 ]
  [[ "$output" == *"HTTP/1.1 200 OK"* ]]
  [[ "$output" == *"Content-Type: application/json"* ]]
  [[ "$output" != *'"Type"'* ]]
}

@test "until in the near future ends the stream on time" {
  start=$(date +%s%N)
  run timeout 30 curl -sS --unix-socket "$SOCK" "http://berth/events?until=$(( $(date +%s) + 1 ))"
  [ "$status" -eq 0 ]
  # It ended at the until (at most 1 s away) by itself, not at timeout's 30 s; the bound leaves
  # a loaded machine its slack.
  elapsed_ms=$(( ($(date +%s%N) - start) / 1000000 ))
  [ "$elapsed_ms" -lt 20000 ]
}

@test "a SIGHUP reload reaches a live stream as a daemon reload event" {
  # The daemon subscribes the stream before it sends the headers: once they are here, the
  # reload cannot be missed.
  timeout 60 curl -sN -D "$D/live.headers" --unix-socket "$SOCK" http://berth/events > "$D/live.out" 3>&- &
  curl_pid=$!
  poll_until 30 grep -q '^HTTP/1.1 200' "$D/live.headers"
  kill -HUP "$BERTHD_PID"
  poll_until 30 grep -q reload "$D/live.out" || true
  kill "$curl_pid"; wait "$curl_pid" || true
  ev=$(head -1 "$D/live.out")
  [ "$(jq -r .Type <<<"$ev")" = daemon ]
  [ "$(jq -r .Action <<<"$ev")" = reload ]
  [ "$(jq -r .scope <<<"$ev")" = local ]
  [ "$(jq -r .Actor.ID <<<"$ev")" = "$(cat "$DATA/engine-id")" ]
  [ "$(jq -r '.timeNano / 1000000000 | floor' <<<"$ev")" = "$(jq -r .time <<<"$ev")" ]
}

@test "docker events replays with --since/--until and applies filters" {
  kill -HUP "$BERTHD_PID"
  # The reload is handled asynchronously: wait (30 s at most) until it is recorded.
  reloaded() { api "/events?since=0&until=$(date +%s)" | grep -q reload; }
  poll_until 30 reloaded
  until=$(( $(date +%s) + 1 ))
  run timeout 30 env DOCKER_HOST="unix://$SOCK" "$DOCKER" events --since 0 --until "$until" \
    --format '{{.Type}} {{.Action}}'
  [ "$status" -eq 0 ]
  [ "$output" = "daemon reload" ]
  run timeout 30 env DOCKER_HOST="unix://$SOCK" "$DOCKER" events --since 0 --until "$until" \
    --filter type=container
  [ "$status" -eq 0 ]
  [ -z "$output" ]
}

@test "a bad events filter or timestamp is a 400" {
  run api '/events?since=yesterday' -o /dev/null -w '%{http_code}'
  [ "$output" = 400 ]
  run api '/events?filters=%7B%22colour%22%3A%5B%22red%22%5D%7D'
  [ "$(jq -r .message <<<"$output")" = "invalid filter 'colour'" ]
}
