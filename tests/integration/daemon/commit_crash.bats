#!/usr/bin/env bats
# berthd killed (SIGKILL) while a commit has the container paused: the next berthd unpauses it,
# from the record the commit wrote before pausing. The container was left paused for good.
load helpers

setup() {
  start_file_berthd  # one berthd per test here: the first one is killed
}

teardown() {
  [ -n "${D:-}" ] || return 0
  if [ -n "${BERTHD_PID:-}" ]; then
    dk rm -f victim >/dev/null 2>&1 || true
  fi
  teardown_berthd
}

@test "kill -9 of berthd during a commit: after a restart the container runs, not paused" {
  local id
  id=$(dk run -d --name victim busybox sleep 1000)
  # Enough random bytes in the layer that the commit's tar and digest take a while.
  dk exec victim sh -c 'head -c 400000000 /dev/urandom > /big'
  dk commit victim victim-img >/dev/null 2>&1 &
  local commit_pid=$!
  is_paused() { [ "$(api /containers/victim/json | jq -r .State.Paused)" = true ]; }
  poll_until 30 is_paused
  kill -KILL "$BERTHD_PID"
  wait "$BERTHD_PID" 2>/dev/null || true
  BERTHD_PID=
  wait "$commit_pid" 2>/dev/null || true
  # The kill really cut the commit short: its record is still there (a commit that had already
  # finished would make the checks below pass without proving anything).
  [ -e "$DATA/containers/$id/commit-paused" ]

  start_berthd
  run api /containers/victim/json
  echo "$output" | jq -c .State
  [ "$(echo "$output" | jq -r .State.Status)" = running ]
  [ "$(echo "$output" | jq -r .State.Paused)" = false ]
  # Really thawed: the container answers.
  run timeout 10 env DOCKER_HOST="unix://$SOCK" "$DOCKER" exec victim echo alive
  [ "$output" = alive ]
  [ ! -e "$DATA/containers/$id/commit-paused" ]
}

@test "commit pauses and unpauses; a commit with --pause=false never pauses" {
  dk run -d --name victim busybox sleep 1000 >/dev/null
  dk commit victim victim-img >/dev/null
  [ "$(dk inspect -f '{{.State.Status}}' victim)" = running ]
  dk commit --pause=false victim victim-img >/dev/null
  [ "$(dk inspect -f '{{.State.Status}}' victim)" = running ]
  dk rmi victim-img >/dev/null
}
