#!/usr/bin/env bats
# Detached containers: ps, logs, exec, stop and kill exit codes, rm -f, inspect fields,
# stats, events.
load helpers
bats_require_minimum_version 1.5.0

setup_file() { compat_setup_file; }
teardown_file() { compat_teardown_file; }

teardown() { dk rm -f cx >/dev/null 2>&1 || true; }

# wait_ready: until the container's shell has installed its trap and touched /tmp/ready; 30 s.
wait_ready() { poll_until 30 dk exec cx test -e /tmp/ready 2>/dev/null; }

start_x() {
  local id
  id=$(dk run -d --name cx "$@")
  remember "$id"
  echo "$id"
}

@test "docker run -d shows in docker ps" {
  id=$(start_x busybox sleep 100)
  [ ${#id} -eq 64 ]
  run dk ps --format '{{.Names}} {{.Status}}'
  [ "$status" -eq 0 ]
  [[ "$output" == "cx Up"* ]]
  [ "$(dk ps -q)" = "${id:0:12}" ]
  [ "$(dk ps -q --no-trunc --filter name=cx)" = "$id" ]
}

@test "docker logs shows the output, --tail and -t" {
  start_x busybox sh -c 'echo one; echo two; echo three >&2; sleep 100'
  logged() { [[ "$(dk logs cx 2>&1)" == *one*two*three* || "$(dk logs cx 2>&1)" == *three*one*two* ]]; }
  poll_until 30 logged
  run dk logs cx
  [ "$status" -eq 0 ]
  [[ "$output" == *one*two*three* ]]
  [ "$(dk logs --tail 1 cx 2>&1)" = three ]
  [ "$(dk logs cx 2>/dev/null)" = "$(printf 'one\ntwo')" ]
  run dk logs -t --tail 1 cx
  [[ "$output" =~ ^20[0-9][0-9]-[0-9][0-9]-[0-9][0-9]T.*Z\ three$ ]]
}

@test "docker logs -f follows until the container exits" {
  # b comes only once logs -f is following (the test touches /tmp/go when it has seen a).
  start_x busybox sh -c 'echo a; while [ ! -e /tmp/go ]; do sleep 0.1; done; echo b'
  local out=$BATS_TEST_TMPDIR/follow.out pid st=0
  timeout 60 "$DOCKER" logs -f cx >"$out" 2>&1 3>&- &
  pid=$!
  poll_until 30 grep -qx a "$out"
  dk exec cx touch /tmp/go
  wait "$pid" || st=$?
  [ "$st" -eq 0 ]
  [ "$(cat "$out")" = "$(printf 'a\nb')" ]
}

@test "docker exec runs in the container" {
  start_x busybox sleep 100
  run dk exec cx echo hi
  [ "$status" -eq 0 ]
  [ "$output" = hi ]
  run dk exec cx sh -c 'exit 4'
  [ "$status" -eq 4 ]
  run bash -c "echo piped | '$DOCKER' exec -i cx cat"
  [ "$output" = piped ]
  dk exec -d cx sh -c 'echo bg > /tmp/bg.new; mv /tmp/bg.new /tmp/bg'
  poll_until 30 dk exec cx test -e /tmp/bg
  [ "$(dk exec cx cat /tmp/bg)" = bg ]
}

# Docker upgrades the exec connection first and writes a start error into the stream; the CLI
# prints it on stdout and exits with the exec's code. An error before the upgrade made the
# docker CLI say "unable to upgrade to tcp" instead.
@test "docker exec of a missing or unrunnable command: docker's message, 127 and 126" {
  start_x busybox sleep 100
  run -127 --separate-stderr dk exec cx no-such-binary
  [ "$status" -eq 127 ]
  [[ "$output" == 'OCI runtime exec failed: '*'exec: "no-such-binary": executable file not found in $PATH'* ]]
  [[ "$stderr" != *upgrade* ]]
  run dk exec cx /etc
  [ "$status" -eq 126 ]
  [[ "$output" == *'permission denied'* ]]
  run -127 dk exec -t cx /no/such/file
  [ "$status" -eq 127 ]
  [[ "$output" == *'no such file or directory'* ]]
  # a detached exec has no stream: the error is the HTTP answer
  run dk exec -d cx no-such-binary
  [ "$status" -ne 0 ]
  [[ "$output" == *'executable file not found'* ]]
}

@test "docker run of a directory is docker's 126 (permission denied)" {
  run dk run --rm busybox /etc
  [ "$status" -eq 126 ]
  [[ "$output" == *'permission denied'* ]]
}

@test "docker stop: a process that exits on SIGTERM gives 143" {
  start_x busybox sh -c 'trap "exit 143" TERM; touch /tmp/ready; sleep 100 & wait'
  wait_ready
  dk stop cx
  [ "$(dk inspect -f '{{.State.ExitCode}}' cx)" = 143 ]
  [ "$(dk inspect -f '{{.State.Status}}' cx)" = exited ]
}

@test "docker stop: a process that ignores SIGTERM is killed after the timeout (137)" {
  start_x busybox sleep 100
  dk stop -t 1 cx
  [ "$(dk inspect -f '{{.State.ExitCode}}' cx)" = 137 ]
}

@test "docker kill gives 137, and --signal" {
  start_x busybox sleep 100
  dk kill cx
  # kill returns once the signal is sent, as in Docker; the exit is recorded right after.
  [ "$(dk wait cx)" = 137 ]
  [ "$(dk inspect -f '{{.State.ExitCode}}' cx)" = 137 ]
  dk rm cx
  start_x busybox sh -c 'trap "exit 42" USR1; touch /tmp/ready; sleep 100 & wait'
  wait_ready
  dk kill -s USR1 cx
  [ "$(dk wait cx)" = 42 ]
}

@test "docker rm -f removes a running container" {
  start_x busybox sleep 100
  dk rm -f cx
  [ -z "$(dk ps -aq --filter name=cx)" ]
}

@test "docker inspect shows State, Config.Cmd, HostConfig.Memory and Name" {
  start_x --memory 64m busybox sleep 100
  [ "$(dk inspect -f '{{.State.Status}}' cx)" = running ]
  [ "$(dk inspect -f '{{.State.Running}}' cx)" = true ]
  [ "$(dk inspect -f '{{json .Config.Cmd}}' cx)" = '["sleep","100"]' ]
  [ "$(dk inspect -f '{{.HostConfig.Memory}}' cx)" = 67108864 ]
  [ "$(dk inspect -f '{{.Name}}' cx)" = /cx ]
  [ "$(dk inspect -f '{{.Config.Image}}' cx)" = busybox ]
}

@test "docker stats --no-stream shows the container" {
  start_x --memory 64m busybox sleep 100
  run dk stats --no-stream --format '{{.Name}} {{.MemUsage}}' cx
  [ "$status" -eq 0 ]
  [[ "$output" == "cx "*"64MiB" ]]
}

@test "docker pause, unpause, restart, rename, top, diff" {
  start_x busybox sleep 100
  dk pause cx
  [ "$(dk inspect -f '{{.State.Status}}' cx)" = paused ]
  dk unpause cx
  [ "$(dk inspect -f '{{.State.Status}}' cx)" = running ]
  run dk top cx
  [[ "$output" == *"sleep 100"* ]]
  dk exec cx touch /new-file
  [[ "$(dk diff cx)" == *"A /new-file"* ]]
  dk restart -t 1 cx
  [ "$(dk inspect -f '{{.RestartCount}} {{.State.Status}}' cx)" = "0 running" ] ||
    [ "$(dk inspect -f '{{.State.Status}}' cx)" = running ]
  dk rename cx cy
  [ "$(dk inspect -f '{{.Name}}' cy)" = /cy ]
  dk rm -f cy
}

@test "docker events lists create, start, die and destroy" {
  since=$(date +%s)
  id=$(dk run -d --name cx busybox true)
  remember "$id"
  dk wait cx
  dk rm cx
  sleep 1
  until=$(( $(date +%s) + 1 ))
  run dk events --since "$since" --until "$until" --filter "container=$id" --format '{{.Action}}'
  [ "$status" -eq 0 ]
  [[ "$output" == *create* ]]
  [[ "$output" == *start* ]]
  [[ "$output" == *die* ]]
  [[ "$output" == *destroy* ]]
}

@test "docker ps -a, filters and docker container prune" {
  id=$(dk create --name cx --label k=v busybox true)
  remember "$id"
  [ "$(dk ps -aq --no-trunc --filter label=k=v)" = "$id" ]
  [ "$(dk ps -aq --no-trunc --filter status=created)" = "$id" ]
  [ -z "$(dk ps -q)" ]
  dk container prune -f
  [ -z "$(dk ps -aq --filter name=cx)" ]
}

@test "docker ps --filter volume, network, expose, publish, is-task as moby matches them" {
  mkdir -p "$D/psvol"
  a=$(dk create --name fa -v "$D/psvol:/data" --network none --expose 8080 busybox true)
  b=$(dk create --name fb --network host busybox true)
  remember "$a"
  remember "$b"
  [ "$(dk ps -aq --no-trunc --filter volume=/data)" = "$a" ]
  [ "$(dk ps -aq --no-trunc --filter volume="$D/psvol")" = "$a" ]
  [ -z "$(dk ps -aq --filter volume=/elsewhere)" ]
  [ "$(dk ps -aq --no-trunc --filter network=host)" = "$b" ]
  [ "$(dk ps -aq --no-trunc --filter network=none)" = "$a" ]
  [ "$(dk ps -aq --no-trunc --filter expose=8000-8100/tcp)" = "$a" ]
  [ -z "$(dk ps -aq --filter expose=8080/udp)" ]
  [ -z "$(dk ps -aq --filter publish=8080)" ]
  [ -z "$(dk ps -aq --filter is-task=true)" ]
  [ "$(dk ps -aq --filter is-task=false | wc -l)" -eq 2 ]
  run dk ps -a --filter is-task=maybe
  [ "$status" -ne 0 ]
  [[ "$output" == *"Unrecognised filter value for is-task: maybe"* ]]
  dk rm "$a" "$b"
}
