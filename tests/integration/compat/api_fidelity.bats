#!/usr/bin/env bats
# API fidelity (issue 14): what Docker API clients (SDKs, CI systems) rely on beyond what the
# docker CLI shows, each checked against dockerd's behaviour: through the docker CLI where it
# shows it, else raw API calls.
load helpers
bats_require_minimum_version 1.5.0

setup_file() { compat_setup_file; }
teardown_file() { compat_teardown_file; }

teardown() { dk rm -f fx >/dev/null 2>&1 || true; }

# api METHOD PATH [CURL-ARG...]: the response body, then the status on the last line.
api() {
  local method=$1 path=$2
  shift 2
  curl -s --max-time 60 --unix-socket "$SOCK" -X "$method" -w '\n%{http_code}' "$@" "http://berth/v1.47$path"
}

start_fx() {
  local id
  id=$(dk run -d --name fx "$@")
  remember "$id"
  echo "$id"
}

@test "kill with SIGKILL returns once the container no longer runs" {
  # As moby's ContainerKill: inspect right after shows it exited; a plain DELETE succeeds.
  for i in 1 2 3; do
    start_fx busybox sleep 1000 >/dev/null
    run api POST /containers/fx/kill
    [ "${lines[-1]}" = 204 ]
    [ "$(dk inspect -f '{{.State.Running}} {{.State.ExitCode}}' fx)" = "false 137" ]
    run api DELETE /containers/fx
    [ "${lines[-1]}" = 204 ]
  done
}

# exec_id CONTAINER JSON: creates an exec with that body and prints its id.
exec_id() {
  curl -s --unix-socket "$SOCK" -X POST -H 'Content-Type: application/json' -d "$2" \
    "http://berth/v1.47/containers/$1/exec" | sed -n 's/.*"Id":"\([0-9a-f]*\)".*/\1/p'
}

@test "exec start frames by the start request's Tty alone" {
  # A TTY exec started with {"Tty": false} gets stdcopy frames (moby's postContainerExecStart).
  start_fx busybox sleep 1000 >/dev/null
  local id out=$BATS_TEST_TMPDIR/exec.out
  id=$(exec_id fx '{"Cmd":["echo","hi"],"Tty":true,"AttachStdout":true,"AttachStderr":true}')
  [ -n "$id" ]
  curl -s --max-time 30 --unix-socket "$SOCK" -X POST -H 'Content-Type: application/json' \
    -d '{"Detach":false,"Tty":false}' -o "$out" "http://berth/v1.47/exec/$id/start"
  # stdout frame header: 01 00 00 00, then the length (4: "hi\r\n" from the pty).
  [ "$(od -An -tx1 -N8 "$out" | tr -d ' \n')" = 0100000000000004 ]
  # With {"Tty": true} the same kind of exec is raw.
  id=$(exec_id fx '{"Cmd":["echo","hi"],"Tty":true,"AttachStdout":true}')
  curl -s --max-time 30 --unix-socket "$SOCK" -X POST -H 'Content-Type: application/json' \
    -d '{"Detach":false,"Tty":true}' -o "$out" "http://berth/v1.47/exec/$id/start"
  [ "$(cat "$out")" = "$(printf 'hi\r')" ]
}

@test "exec start before API 1.42: still stdcopy frames, only announced as raw-stream" {
  start_fx busybox sleep 1000 >/dev/null
  local id out=$BATS_TEST_TMPDIR/exec41.out hdr=$BATS_TEST_TMPDIR/exec41.hdr
  # a TTY exec started with {"Tty": false}: its pty output must be framed too
  id=$(exec_id fx '{"Cmd":["echo","hi"],"Tty":true,"AttachStdout":true,"AttachStderr":true}')
  [ -n "$id" ]
  curl -s --max-time 30 --unix-socket "$SOCK" -X POST -H 'Content-Type: application/json' \
    -H 'Connection: Upgrade' -H 'Upgrade: tcp' -D "$hdr" \
    -d '{"Detach":false,"Tty":false}' -o "$out" "http://berth/v1.41/exec/$id/start"
  grep -qi 'content-type: application/vnd.docker.raw-stream' "$hdr"
  [ "$(od -An -tx1 -N8 "$out" | tr -d ' \n')" = 0100000000000004 ]  # "hi\r\n" in a stdout frame
}

@test "commit with pause of a container that exits meanwhile commits" {
  # dockerd ignores a pause that cannot happen. The race is the container's own exit: many
  # short-lived containers give it many chances to land between the check and the pause.
  for i in $(seq 1 15); do
    id=$(dk run -d --name fx busybox true)
    remember "$id"
    run dk commit fx "me/racy:$i"
    [ "$status" -eq 0 ] || { echo "$output"; return 1; }
    dk rm -f fx >/dev/null
    dk rmi "me/racy:$i" >/dev/null
  done
}

@test "wait not-running wakes on each exit of a restarting container" {
  start_fx --restart always busybox sh -c 'sleep 0.2; exit 3' >/dev/null
  for i in 1 2; do
    run api POST '/containers/fx/wait?condition=not-running' --max-time 30
    [ "${lines[-1]}" = 200 ]
    [[ "${lines[0]}" == *'"StatusCode":3'* ]]
  done
}

@test "Env entries without = are kept in Config.Env as given" {
  # As moby's merge: the request's entries first (bare names too), then the image's others.
  # Through the API: the docker CLI does not always keep the order of its -e flags.
  run api POST '/containers/create?name=fx' -H 'Content-Type: application/json' \
    -d '{"Image":"busybox","Cmd":["env"],"Env":["Foo","Other=one","Blank="]}'
  [ "${lines[-1]}" = 201 ]
  remember "$(dk inspect -f '{{.Id}}' fx)"
  run dk inspect -f '{{json .Config.Env}}' fx
  [[ "$output" == '["Foo","Other=one","Blank=","PATH='* ]] || { echo "$output"; return 1; }
  # At run time a bare name only unsets: no Foo in the process.
  dk start -a fx > "$BATS_TEST_TMPDIR/env.out"
  ! grep -q '^Foo' "$BATS_TEST_TMPDIR/env.out"
  grep -qx 'Other=one' "$BATS_TEST_TMPDIR/env.out"
  grep -qx 'Blank=' "$BATS_TEST_TMPDIR/env.out"
}

@test "containers prune reports the space it reclaimed" {
  id=$(dk run --name fx busybox dd if=/dev/zero of=/big bs=1024 count=2048 2>/dev/null; dk inspect -f '{{.Id}}' fx)
  remember "$id"
  run api POST /containers/prune
  [ "${lines[-1]}" = 200 ]
  [[ "${lines[0]}" == *"$id"* ]]
  n=$(echo "${lines[0]}" | sed -n 's/.*"SpaceReclaimed":\([0-9]*\).*/\1/p')
  [ "$n" -ge 2097152 ]
}

@test "load of a bad archive answers 200 with errorDetail in the stream" {
  echo 'not a tar' > "$BATS_TEST_TMPDIR/bad.tar"
  run api POST /images/load -H 'Content-Type: application/x-tar' --data-binary "@$BATS_TEST_TMPDIR/bad.tar"
  [ "${lines[-1]}" = 200 ]
  [[ "${lines[0]}" == '{"errorDetail":{"message":'* ]]
  [[ "${lines[0]}" == *'"error":'* ]]
  # docker load prints that error and fails.
  run dk load -i "$BATS_TEST_TMPDIR/bad.tar"
  [ "$status" -ne 0 ]
  [ -n "$output" ]
}

@test "an unknown log driver gives dockerd's plugin lookup error" {
  run dk run --rm --log-driver asdf busybox true
  [ "$status" -eq 125 ]
  [[ "$output" == *'error looking up logging plugin asdf: plugin "asdf" not found'* ]]
}

@test "swarm endpoints answer 503: not a swarm manager" {
  local msg='This node is not a swarm manager. Use \"docker swarm init\" or \"docker swarm join\" to connect this node to swarm and try again.'
  for p in /swarm /services /services/x /nodes /nodes/x /tasks /tasks/x /secrets /secrets/x \
           /configs /configs/x /swarm/unlockkey; do
    run api GET "$p"
    [ "${lines[-1]}" = 503 ] || { echo "$p: $output"; return 1; }
    [ "${lines[0]}" = "{\"message\":\"$msg\"}" ] || { echo "$p: $output"; return 1; }
  done
  run api DELETE /services/x
  [ "${lines[-1]}" = 503 ]
  run api POST /services/create -H 'Content-Type: application/json' -d '{}'
  [ "${lines[-1]}" = 503 ]
  run dk service ls
  [ "$status" -ne 0 ]
  [[ "$output" == *"This node is not a swarm manager."* ]]
  run api POST /swarm/leave
  [ "${lines[-1]}" = 503 ]
  [[ "${lines[0]}" == *"This node is not part of a swarm"* ]]
}

@test "exec emits exec_die with its exit code" {
  start_fx busybox sleep 1000 >/dev/null
  since=$(date +%s)
  run dk exec fx sh -c 'exit 3'
  [ "$status" -eq 3 ]
  got_die() {
    dk events --since "$since" --until "$(date +%s)" --filter container=fx --filter event=exec_die \
      --format '{{.Action}} {{index .Actor.Attributes "exitCode"}}' | grep -qx 'exec_die 3'
  }
  poll_until 30 got_die
}

@test "starting a finished exec: has already run" {
  start_fx busybox sleep 1000 >/dev/null
  id=$(exec_id fx '{"Cmd":["true"]}')
  run api POST "/exec/$id/start" -H 'Content-Type: application/json' -d '{"Detach":true}'
  [ "${lines[-1]}" = 200 ]
  ended() { api GET "/exec/$id/json" | grep -q '"ExitCode":0'; }
  poll_until 30 ended
  run api POST "/exec/$id/start" -H 'Content-Type: application/json' -d '{"Detach":true}'
  [ "${lines[-1]}" = 409 ]
  [ "${lines[0]}" = "{\"message\":\"Error: Exec command $id has already run\"}" ]
}

@test "supplementary groups include the primary gid" {
  # Docker: groups=0(root),10(wheel) for busybox's root (wheel lists root).
  run dk run --rm busybox id
  [[ "$output" == *"groups=0(root),10(wheel)"* ]] || { echo "$output"; return 1; }
  run dk run --rm busybox sh -c 'cat /proc/self/status | grep ^Groups'
  [[ "$output" == *$'\t'"0 10"* ]] || { echo "$output"; return 1; }
}

@test "inspect shows the effective MaskedPaths, ReadonlyPaths and MemorySwap" {
  id=$(dk create --name fx -m 64m busybox true)
  remember "$id"
  run dk inspect -f '{{.HostConfig.MemorySwap}} {{len .HostConfig.MaskedPaths}} {{index .HostConfig.ReadonlyPaths 0}}' fx
  [ "$output" = "134217728 12 /proc/bus" ]
  dk rm fx >/dev/null
  # systempaths=unconfined: the docker CLI sends empty lists, and nothing is masked.
  id=$(dk create --name fx --security-opt systempaths=unconfined busybox true)
  remember "$id"
  [ "$(dk inspect -f '{{len .HostConfig.MaskedPaths}}' fx)" = 0 ]
  dk rm fx >/dev/null
  run dk run --rm --security-opt systempaths=unconfined busybox sh -c 'grep -c " /sys/firmware " /proc/self/mountinfo'
  [ "$output" = 0 ]
  run dk run --rm busybox sh -c 'grep -c " /sys/firmware " /proc/self/mountinfo'
  [ "$output" = 1 ]
  # Privileged: no defaults recorded (moby leaves them null).
  id=$(dk create --name fx --privileged busybox true)
  remember "$id"
  [ "$(dk inspect -f '{{json .HostConfig.MaskedPaths}}' fx)" = null ]
}

@test "inspect -f '{{.Config.StopSignal}}' prints nothing when it is unset, as docker" {
  id=$(dk create --name fx busybox true)
  remember "$id"
  run dk inspect -f '{{.Config.StopSignal}}' fx
  [ "$status" -eq 0 ] && [ "$output" = "" ]
  run "$REPO/build/src/cli/berth" -H "unix://$SOCK" inspect -f '{{.Config.StopSignal}}' fx
  [ "$status" -eq 0 ] && [ "$output" = "" ]
  run "$REPO/build/src/cli/berth" -H "unix://$SOCK" inspect -f '{{.Config.StopSignal}}' busybox
  [ "$status" -eq 0 ] && [ "$output" = "" ]
}

@test "exec bodies: keys match their fields case-insensitively, as Go decodes them" {
  start_fx busybox sleep 1000 >/dev/null
  id=$(exec_id fx '{"cmd":["echo","hi"],"detachKeys":"ctrl-x","TTY":true,"attachstdout":true}')
  [ -n "$id" ]
  run api GET "/exec/$id/json"
  [[ "${lines[0]}" == *'"DetachKeys":"ctrl-x"'* ]]
  [[ "${lines[0]}" == *'"tty":true'* ]]
  [[ "${lines[0]}" == *'"OpenStdout":true'* ]]
  # {"detach": true}: no stream, a plain 200.
  run api POST "/exec/$id/start" -H 'Content-Type: application/json' -d '{"detach":true,"tty":true}'
  [ "${lines[-1]}" = 200 ]
  [ "${#lines[@]}" -eq 1 ]
}

@test "create body: keys match their fields case-insensitively, map keys are kept" {
  run api POST '/containers/create?name=fx' -H 'Content-Type: application/json' \
    -d '{"image":"busybox","cmd":["true"],"env":["A=1"],"labels":{"lower":"x"},"hostConfig":{"memory":67108864,"restartPolicy":{"name":"on-failure","maximumRetryCount":2}}}'
  [ "${lines[-1]}" = 201 ] || { echo "$output"; return 1; }
  remember "$(dk inspect -f '{{.Id}}' fx)"
  run dk inspect -f '{{.Config.Cmd}} {{index .Config.Env 0}} {{.Config.Labels.lower}} {{.HostConfig.Memory}} {{.HostConfig.RestartPolicy.Name}} {{.HostConfig.RestartPolicy.MaximumRetryCount}}' fx
  [ "$output" = "[true] A=1 x 67108864 on-failure 2" ]
}

@test "update and commit bodies: keys match their fields case-insensitively" {
  start_fx busybox sleep 300 >/dev/null
  run api POST /containers/fx/update -H 'Content-Type: application/json' \
    -d '{"memory":67108864,"memorySwap":-1,"restartpolicy":{"name":"unless-stopped"}}'
  [ "${lines[-1]}" = 200 ] || { echo "$output"; return 1; }
  run dk inspect -f '{{.HostConfig.Memory}} {{.HostConfig.RestartPolicy.Name}}' fx
  [ "$output" = "67108864 unless-stopped" ]
  run api POST '/commit?container=fx&repo=fxcommit&tag=1' -H 'Content-Type: application/json' \
    -d '{"cmd":["echo","committed"],"env":["C=1"]}'
  [ "${lines[-1]}" = 201 ] || { echo "$output"; return 1; }
  run dk image inspect -f '{{.Config.Cmd}} {{index .Config.Env 0}}' fxcommit:1
  dk rmi fxcommit:1 >/dev/null
  [ "$output" = "[echo committed] C=1" ]
}

@test "logs --details shows the attributes --log-opt labels and env name" {
  dk run --name fx --label team=core --label other=x -e STAGE='a b' \
    --log-opt labels=team --log-opt env=STAGE,NOPE busybox echo hello >/dev/null
  remember "$(dk inspect -f '{{.Id}}' fx)"
  run dk logs --details fx
  [ "$output" = "STAGE=a+b,team=core hello" ] || { echo "got: $output"; return 1; }
  run dk logs fx
  [ "$output" = hello ]
  run dk run --rm --log-opt 'labels-regex=[' busybox true
  [ "$status" -ne 0 ]
  [[ "$output" == *"invalid value for log option labels-regex"* ]]
}

@test "websocket attach: stdin in, stdout and stderr out as bare bytes" {
  id=$(dk create --name fx -i busybox sh -c 'read x; echo "got $x"; echo err >&2')
  remember "$id"
  out=$BATS_TEST_TMPDIR/ws.out
  /usr/bin/python3 "$BATS_TEST_DIRNAME/ws/ws_attach.py" "$SOCK" \
    '/v1.47/containers/fx/attach/ws?stream=1&stdin=1&stdout=1&stderr=1' $'line\n' > "$out" &
  pid=$!
  # No race with the attach: the container prints only after reading the line, which only
  # the attach delivers.
  dk start fx
  wait "$pid"
  [ "$(cat "$out")" = "$(printf 'got line\nerr')" ] || { cat "$out"; return 1; }
  # Not a websocket handshake: 400.
  run api GET /containers/fx/attach/ws
  [ "${lines[-1]}" = 400 ]
}

@test "--oom-score-adj applies to exec'd processes too" {
  start_fx --oom-score-adj 123 busybox sleep 1000 >/dev/null
  [ "$(dk exec fx cat /proc/1/oom_score_adj)" = 123 ]
  [ "$(dk exec fx cat /proc/self/oom_score_adj)" = 123 ]
}

@test "container prune honours label, label! and until" {
  a=$(dk create --label keep=yes busybox true); remember "$a"
  b=$(dk create --label keep=no busybox true); remember "$b"
  run dk container prune -f --filter label=keep=no
  [[ "$output" == *"$b"* && "$output" != *"$a"* ]]
  run dk container prune -f --filter 'label!=keep'
  [[ "$output" != *"$a"* ]]
  # until: only what was created before an hour ago, so nothing here.
  run dk container prune -f --filter until=1h
  [[ "$output" != *"$a"* ]]
  dk inspect "$a" >/dev/null
  run dk container prune -f --filter label=keep
  [[ "$output" == *"$a"* ]]
}
