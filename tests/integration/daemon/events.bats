#!/usr/bin/env bats
# GET /events: a stream in Docker's shape, with filters and since/until.
load helpers

setup() { start_berthd; }
teardown() { teardown_berthd; }

@test "since/until in the past on an empty bus: headers, no events, stream closes" {
  now=$(date +%s)
  run timeout 5 curl -sS -i --unix-socket "$SOCK" "http://berth/v1.47/events?since=0&until=$now"
  [ "$status" -eq 0 ]
  [[ "$output" == *"HTTP/1.1 200 OK"* ]]
  [[ "$output" == *"Content-Type: application/json"* ]]
  [[ "$output" != *'"Type"'* ]]
}

@test "until in the near future ends the stream on time" {
  start=$(date +%s%N)
  run timeout 5 curl -sS --unix-socket "$SOCK" "http://berth/events?until=$(( $(date +%s) + 1 ))"
  [ "$status" -eq 0 ]
  elapsed_ms=$(( ($(date +%s%N) - start) / 1000000 ))
  [ "$elapsed_ms" -lt 3000 ]
}

@test "a SIGHUP reload reaches a live stream as a daemon reload event" {
  timeout 10 curl -sN --unix-socket "$SOCK" http://berth/events > "$D/live.out" &
  curl_pid=$!
  sleep 0.3
  kill -HUP "$BERTHD_PID"
  for i in $(seq 1 50); do grep -q reload "$D/live.out" && break; sleep 0.1; done
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
  sleep 0.3
  until=$(( $(date +%s) + 1 ))
  run timeout 10 env DOCKER_HOST="unix://$SOCK" "$DOCKER" events --since 0 --until "$until" \
    --format '{{.Type}} {{.Action}}'
  [ "$status" -eq 0 ]
  [ "$output" = "daemon reload" ]
  run timeout 10 env DOCKER_HOST="unix://$SOCK" "$DOCKER" events --since 0 --until "$until" \
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
