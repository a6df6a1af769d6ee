#!/usr/bin/env bats
# Bad input at every endpoint that takes a body or parameters: malformed JSON, wrong types,
# bad query parameters, unknown objects, name conflicts. Each answer must be the right status
# with a message naming what was wrong, never a 500, and nothing may be left behind: no
# container record (API or SQLite), no container directory, no snapshot mount, no shim, no
# cgroup.
load helpers

setup_file() {
  start_file_berthd
  # One running container for the routes that need one.
  api '/containers/create?name=target' -X POST -H 'Content-Type: application/json' \
    -d '{"Image":"busybox","Cmd":["sleep","1000"]}' >/dev/null
  api /containers/target/start -X POST >/dev/null
  TARGET_ID=$(api /containers/target/json | jq -r .Id)
  [ ${#TARGET_ID} -eq 64 ]
  export TARGET_ID
}

teardown_file() {
  [ -n "${D:-}" ] || return 0
  api '/containers/target?force=1' -X DELETE >/dev/null 2>&1 || true
  teardown_berthd
}

# nothing_but_target: the only container anywhere is the one setup_file made.
nothing_but_target() {
  [ "$(api '/containers/json?all=1' | jq -r '.[].Id')" = "$TARGET_ID" ]
  [ "$(sqlite3 "$DATA/berth.db" 'SELECT id FROM containers')" = "$TARGET_ID" ]
  [ "$(ls "$DATA/containers")" = "$TARGET_ID" ]
  [ "$(ls "$EXEC/shims")" = "$TARGET_ID" ]
  # One overlay mount: the target's rootfs.
  [ "$(awk -v d="$D" 'index($5, d) == 1' /proc/self/mountinfo | wc -l)" -eq 1 ]
  # The runtime's state: a container it created and did not delete (its cgroup with it).
  [ "$(ls "$EXEC/runtime")" = "$TARGET_ID" ]
}

@test "create: malformed JSON and wrong types are 400 naming the field; nothing created" {
  local C=/containers/create
  expect 400 "invalid JSON in request body" POST $C '{"Image": "busybox",'
  expect 400 "invalid JSON in request body" POST $C '{bad'
  expect 400 "cannot unmarshal array into Go value of type container.CreateRequest" POST $C '[1]'
  expect 400 "config cannot be empty" POST $C ''
  expect 400 "ContainerConfig.Cmd of type []string" POST $C '{"Image":"busybox","Cmd":5}'
  expect 400 "ContainerConfig.Image of type string" POST $C '{"Image":5}'
  expect 400 "ContainerConfig.Env of type string" POST $C '{"Image":"busybox","Env":[1]}'
  expect 400 "ContainerConfig.Labels of type string" POST $C '{"Image":"busybox","Labels":{"a":1}}'
  expect 400 "ContainerConfig.Tty of type bool" POST $C '{"Image":"busybox","Tty":"yes"}'
  expect 400 "ContainerConfig.StopTimeout of type int64" POST $C '{"Image":"busybox","StopTimeout":"10"}'
  expect 400 "ContainerConfig.ExposedPorts" POST $C '{"Image":"busybox","ExposedPorts":[80]}'
  expect 400 "ContainerConfig.Volumes" POST $C '{"Image":"busybox","Volumes":"/x"}'
  expect 400 "ContainerConfig.HostConfig" POST $C '{"Image":"busybox","HostConfig":"x"}'
  expect 400 "ContainerConfig.NetworkingConfig" POST $C '{"Image":"busybox","NetworkingConfig":5}'
  expect 400 "Healthcheck.Test of type []string" POST $C '{"Image":"busybox","Healthcheck":{"Test":5}}'
  expect 400 "Healthcheck.Interval of type int64" POST $C '{"Image":"busybox","Healthcheck":{"Interval":"1s"}}'
  expect 400 "HostConfig.Memory of type int64" POST $C '{"Image":"busybox","HostConfig":{"Memory":"1g"}}'
  expect 400 "HostConfig.Privileged of type bool" POST $C '{"Image":"busybox","HostConfig":{"Privileged":1}}'
  expect 400 "HostConfig.CapAdd of type string" POST $C '{"Image":"busybox","HostConfig":{"CapAdd":[1]}}'
  expect 400 "RestartPolicy.Name of type string" POST $C '{"Image":"busybox","HostConfig":{"RestartPolicy":{"Name":5}}}'
  expect 400 "RestartPolicy.MaximumRetryCount of type int64" POST $C \
    '{"Image":"busybox","HostConfig":{"RestartPolicy":{"Name":"on-failure","MaximumRetryCount":"3"}}}'
  expect 400 "unknown policy 'bogus'" POST $C '{"Image":"busybox","HostConfig":{"RestartPolicy":{"Name":"bogus"}}}'
  expect 400 "cannot specify both --restart and --rm" POST $C \
    '{"Image":"busybox","HostConfig":{"AutoRemove":true,"RestartPolicy":{"Name":"always"}}}'
  expect 400 "Ulimits.Name of type string" POST $C '{"Image":"busybox","HostConfig":{"Ulimits":[{"Name":1}]}}'
  expect 400 "HostConfig.Ulimits" POST $C '{"Image":"busybox","HostConfig":{"Ulimits":[5]}}'
  expect 400 "Devices.PathOnHost of type string" POST $C '{"Image":"busybox","HostConfig":{"Devices":[{"PathOnHost":5}]}}'
  expect 400 "HostConfig.Tmpfs of type string" POST $C '{"Image":"busybox","HostConfig":{"Tmpfs":{"/x":5}}}'
  expect 400 "HostConfig.Sysctls of type string" POST $C '{"Image":"busybox","HostConfig":{"Sysctls":{"a":true}}}'
  expect 400 "HostConfig.ConsoleSize" POST $C '{"Image":"busybox","HostConfig":{"ConsoleSize":["a","b"]}}'
  expect 400 "HostConfig.Mounts" POST $C '{"Image":"busybox","HostConfig":{"Mounts":5}}'
  expect 400 "HostConfig.PortBindings" POST $C '{"Image":"busybox","HostConfig":{"PortBindings":5}}'
  expect 400 "Invalid value abc for cpuset cpus" POST $C '{"Image":"busybox","HostConfig":{"CpusetCpus":"abc"}}'
  expect 400 "invalid log size: 1q" POST $C '{"Image":"busybox","HostConfig":{"LogConfig":{"Config":{"max-size":"1q"}}}}'
  expect 400 "log option max-file" POST $C '{"Image":"busybox","HostConfig":{"LogConfig":{"Config":{"max-file":"x"}}}}'
  expect 400 "unknown log opt 'bogus'" POST $C '{"Image":"busybox","HostConfig":{"LogConfig":{"Config":{"bogus":"1"}}}}'
  expect 400 "LogConfig.Config of type map[string]string" POST $C \
    '{"Image":"busybox","HostConfig":{"LogConfig":{"Config":5}}}'
  expect 400 'logging driver "syslog" is not supported' POST $C \
    '{"Image":"busybox","HostConfig":{"LogConfig":{"Type":"syslog"}}}'
  expect 400 'unknown capability: "CAP_BOGUS"' POST $C '{"Image":"busybox","HostConfig":{"CapAdd":["CAP_BOGUS"]}}'
  expect 400 "No image specified" POST $C '{"Cmd":["true"]}'
  expect 404 "No such image: nope:latest" POST $C '{"Image":"nope:latest"}'
  expect 400 "Invalid container name (a/b)" POST "$C?name=a/b" '{"Image":"busybox"}'
  run curl -gsS --unix-socket "$SOCK" -X POST -H 'Content-Type: text/plain' -d '{"Image":"busybox"}' \
    -w ' %{http_code}' http://berth$C
  [[ "$output" == *"must be 'application/json'"*" 400" ]]
  nothing_but_target
}

@test "create: a name in use is 409 with Docker's message; the holder is untouched" {
  expect 409 "Conflict. The container name \"/target\" is already in use by container \"$TARGET_ID\". You have to remove (or rename) that container to be able to reuse the name." \
    POST '/containers/create?name=target' '{"Image":"busybox","Cmd":["true"]}'
  [ "$(api /containers/target/json | jq -r .State.Status)" = running ]
  nothing_but_target
}

@test "every container route: an unknown container is 404 No such container" {
  local r
  for r in "POST /containers/nope/start" "POST /containers/nope/stop" "POST /containers/nope/restart" \
    "POST /containers/nope/kill" "POST /containers/nope/pause" "POST /containers/nope/unpause" \
    "POST /containers/nope/wait" "DELETE /containers/nope" "POST /containers/nope/rename?name=x" \
    "GET /containers/nope/json" "GET /containers/nope/logs?stdout=1" "POST /containers/nope/attach?stream=1&stdout=1" \
    "POST /containers/nope/resize?h=1&w=1" "GET /containers/nope/top" "GET /containers/nope/stats?stream=0" \
    "GET /containers/nope/changes" "GET /containers/nope/export" "HEAD /containers/nope/archive?path=/" \
    "GET /containers/nope/archive?path=/"; do
    req $r
    [ "$code" = 404 ] || { echo "$r: $code $msg" >&2; return 1; }
    # HEAD has no body to carry the message.
    [ "${r%% *}" = HEAD ] || [ "$msg" = "No such container: nope" ] || { echo "$r: $msg" >&2; return 1; }
  done
  expect 404 "No such container: nope" POST /containers/nope/update '{"Memory":0}'
  expect 404 "No such container: nope" POST /containers/nope/exec '{"Cmd":["ls"]}'
  expect 404 "No such container: nope" GET '/containers/json?filters={"before":["nope"]}'
  nothing_but_target
}

@test "container routes: bad query parameters are 400 naming the parameter" {
  expect 400 'invalid value for t: "abc" is not an integer' POST '/containers/target/stop?t=abc'
  expect 400 'invalid value for t: "1x" is not an integer' POST '/containers/target/restart?t=1x'
  expect 400 "Invalid signal: BOGUS" POST '/containers/target/kill?signal=BOGUS'
  expect 400 "Invalid signal: 99999" POST '/containers/target/kill?signal=99999'
  expect 400 'invalid condition: "bogus"' POST '/containers/target/wait?condition=bogus'
  expect 400 'invalid value for tail: "x"' GET '/containers/target/logs?stdout=1&tail=x'
  expect 400 "you must choose at least one stream" GET '/containers/target/logs'
  expect 400 'invalid value for h: "x" is not an integer' POST '/containers/target/resize?h=x&w=1'
  expect 400 "invalid resize dimensions" POST '/containers/target/resize?h=-1&w=1'
  expect 400 'invalid value for limit: "x"' GET '/containers/json?limit=x'
  expect 400 "filters must be a JSON object" GET '/containers/json?filters={bad'
  expect 400 "filters must be a JSON object" GET '/containers/json?filters=[1]'
  expect 400 "invalid filter 'bogus'" GET '/containers/json?filters={"bogus":["x"]}'
  expect 400 "invalid filter 'status=bogus'" GET '/containers/json?filters={"status":["bogus"]}'
  expect 400 "filters must be a JSON object" POST '/containers/prune?filters={bad'
  expect 400 "invalid filter 'bogus'" POST '/containers/prune?filters={"bogus":["1"]}'
  expect 400 "Neither old nor new names may be empty" POST '/containers/target/rename?name='
  expect 400 "Invalid container name (a/b)" POST '/containers/target/rename?name=a/b'
  expect 400 "invalid URL escape" POST '/containers/target/stop?t=%zz'
  # Still running, still named target: none of that touched it.
  [ "$(api /containers/target/json | jq -r '.State.Status + " " + .Name')" = "running /target" ]
  nothing_but_target
}

@test "update: malformed and wrong-typed bodies are 400 and change nothing" {
  local before
  before=$(api /containers/target/json | jq -c '.HostConfig | {Memory, CpuShares, RestartPolicy}')
  expect 400 "invalid JSON in request body" POST /containers/target/update '{"Memory":'
  expect 400 "container.UpdateConfig" POST /containers/target/update '[1]'
  expect 400 "Memory" POST /containers/target/update '{"Memory":"1g"}'
  expect 400 "unknown policy 'bogus'" POST /containers/target/update '{"RestartPolicy":{"Name":"bogus"}}'
  [ "$(api /containers/target/json | jq -c '.HostConfig | {Memory, CpuShares, RestartPolicy}')" = "$before" ]
  nothing_but_target
}

@test "exec: bad bodies are 400 naming the field, unknown execs 404" {
  expect 400 "No exec command specified" POST /containers/target/exec '{}'
  expect 400 "ExecOptions.Cmd of type []string" POST /containers/target/exec '{"Cmd":"ls"}'
  expect 400 "ExecOptions.Cmd of type string" POST /containers/target/exec '{"Cmd":[1]}'
  expect 400 "ExecOptions.Env of type []string" POST /containers/target/exec '{"Cmd":["ls"],"Env":"A=1"}'
  expect 400 "ExecOptions.Tty of type bool" POST /containers/target/exec '{"Cmd":["ls"],"Tty":"yes"}'
  expect 400 "container.ExecOptions" POST /containers/target/exec '[1]'
  expect 400 "invalid JSON in request body" POST /containers/target/exec '{"Cmd":['
  req POST /containers/target/exec '{"Cmd":["true"]}'
  [ "$code" = 201 ]
  expect 404 "No such exec instance: nope" GET /exec/nope/json
  expect 404 "No such exec instance: nope" POST /exec/nope/start '{}'
  expect 404 "No such exec instance: nope" POST '/exec/nope/resize?h=1&w=1'
  expect 400 'invalid value for h: "x"' POST '/exec/nope/resize?h=x&w=1'
  nothing_but_target
}

@test "exec start: wrong-typed options are 400 and the exec can still start" {
  local id
  id=$(api /containers/target/exec -X POST -H 'Content-Type: application/json' -d '{"Cmd":["true"]}' | jq -r .Id)
  [ ${#id} -eq 64 ]
  expect 400 "ExecStartOptions.Detach of type bool" POST "/exec/$id/start" '{"Detach":"yes"}'
  expect 400 "ExecStartOptions.ConsoleSize" POST "/exec/$id/start" '{"Detach":true,"ConsoleSize":["a",1]}'
  expect 400 "container.ExecStartOptions" POST "/exec/$id/start" '"x"'
  req POST "/exec/$id/start" '{"Detach":true}'
  [ "$code" = 200 ]
  nothing_but_target
}

@test "images, events: bad parameters 400, unknown images 404" {
  expect 400 "filters must be a JSON object" GET '/images/json?filters={bad'
  expect 400 "invalid filter 'bogus'" GET '/images/json?filters={"bogus":["x"]}'
  expect 404 "No such image: nope" GET /images/nope/json
  expect 404 "No such image: nope" GET /images/nope/history
  expect 404 "No such image: nope" DELETE /images/nope
  expect 404 "No such image: nope" POST '/images/nope/tag?repo=x'
  expect 404 "No such image: nope" GET '/images/get?names=nope'
  expect 400 "repository name must have at least one component" POST /images/busybox/tag
  expect 400 "repository name must be lowercase" POST '/images/busybox/tag?repo=UPPER'
  expect 400 "invalid filter 'x'" POST '/images/prune?filters={"x":["1"]}'
  expect 400 "fromImage or fromSrc is required" POST /images/create
  expect 400 "No container specified" POST /commit
  expect 400 "container.Config" POST '/commit?container=target' '[1]'
  expect 400 'invalid value for since: "abc" is not a Unix timestamp' GET '/events?since=abc'
  expect 400 "filters must be a JSON object" GET '/events?filters={bad'
  expect 400 "cannot be after" GET '/events?since=10&until=5'
  nothing_but_target
}

@test "a JSON body over 4 MiB is refused with 400 before it is read; the daemon stays small" {
  local big=$D/big.json rss_before rss_after
  # 8 MiB of a valid array: parsed, it would be a tree of millions of nodes.
  head -c $((8 << 20)) /dev/zero | tr '\0' '1' | sed 's/1/1,/g' | head -c $((8 << 20)) > "$big.tmp"
  { printf '{"Image":"busybox","Cmd":["true"],"Labels":{},"Env":[],"x":['; cat "$big.tmp"; printf '1]}'; } > "$big"
  rm -f "$big.tmp"
  rss_before=$(awk '/VmRSS/ {print $2}' "/proc/$BERTHD_PID/status")
  run curl -gsS --unix-socket "$SOCK" -X POST -H 'Content-Type: application/json' --data-binary @"$big" \
    -w ' %{http_code}' http://berth/containers/create
  [[ "$output" == *"request body is larger than 4 MiB"*" 400" ]]
  # Chunked (no Content-Length): cut off at the limit while reading.
  run curl -gsS --unix-socket "$SOCK" -X POST -H 'Content-Type: application/json' -H 'Transfer-Encoding: chunked' \
    --data-binary @"$big" -w ' %{http_code}' http://berth/containers/create
  [[ "$output" == *"request body is larger than 4 MiB"*" 400" ]]
  rss_after=$(awk '/VmRSS/ {print $2}' "/proc/$BERTHD_PID/status")
  rm -f "$big"
  echo "RSS before $rss_before kB, after $rss_after kB" >&2
  [ $((rss_after - rss_before)) -lt $((32 << 10)) ]
  # Still serving, and nothing was created.
  [ "$(api /_ping)" = OK ]
  nothing_but_target
}

@test "no request above answered 500 or made the daemon log an error" {
  # The router logs every 500 (an internal error) at level error.
  run grep -E 'level=error' "$LOG"
  [ "$status" -ne 0 ] || { echo "$output" >&2; return 1; }
  kill -0 "$BERTHD_PID"
}
