#!/usr/bin/env bats
# Settings as dockerd checks them: a value dockerd refuses at create or update is a 400 with
# its words before anything is made (every expected message below is what dockerd 20.10
# answered to the same body); in an update a zero means "unchanged"; signals dockerd knows are
# accepted; a request head Go's server refuses gets Go's 431 or 400.
load helpers

setup_file() {
  start_file_berthd
}

teardown_file() {
  [ -n "${D:-}" ] || return 0
  local ids
  ids=$(api '/containers/json?all=1' 2>/dev/null | jq -r '.[].Id' 2>/dev/null)
  for id in $ids; do api "/containers/$id?force=1" -X DELETE >/dev/null 2>&1 || true; done
  teardown_berthd
}

# no_containers: nothing was created, in the API, SQLite or on disk.
no_containers() {
  [ "$(api '/containers/json?all=1' | jq length)" -eq 0 ]
  [ "$(sqlite3 "$DATA/berth.db" 'SELECT count(*) FROM containers')" -eq 0 ]
  [ -z "$(ls "$DATA/containers")" ]
}

# bad_create MESSAGE JSON-MEMBERS: create with {"Image":"busybox","Cmd":["true"],MEMBERS} is a
# 400 whose message is exactly MESSAGE.
bad_create() {
  req POST /containers/create "{\"Image\":\"busybox\",\"Cmd\":[\"true\"],$2}"
  if [ "$code" != 400 ] || [ "$msg" != "$1" ]; then
    echo "create {$2}: got $code \"$msg\", want 400 \"$1\"" >&2
    return 1
  fi
}

@test "create: values dockerd refuses are 400 with its messages, and nothing is made" {
  local cpus; cpus=$(nproc)
  bad_create "Minimum memory limit allowed is 6MB" '"HostConfig":{"Memory":-5}'
  bad_create "Minimum memory reservation allowed is 6MB" '"HostConfig":{"MemoryReservation":5}'
  bad_create "Minimum memory limit can not be less than memory reservation limit, see usage" \
    '"HostConfig":{"Memory":10000000,"MemoryReservation":20000000}'
  bad_create "Invalid value: 101, valid memory swappiness range is 0-100" '"HostConfig":{"MemorySwappiness":101}'
  bad_create "SHM size can not be less than 0" '"HostConfig":{"ShmSize":-1}'
  bad_create "Requested CPUs are not available - requested 0-999, available: $(cat /sys/devices/system/cpu/online)" \
    '"HostConfig":{"CpusetCpus":"0-999"}'
  bad_create "Invalid value 5000, range for oom score adj is [-1000, 1000]" '"HostConfig":{"OomScoreAdj":5000}'
  bad_create "CPU cfs period can not be less than 1ms (i.e. 1000) or larger than 1s (i.e. 1000000)" \
    '"HostConfig":{"CpuPeriod":5}'
  bad_create "CPU cfs quota can not be less than 1ms (i.e. 1000)" '"HostConfig":{"CpuQuota":500}'
  bad_create "Range of CPUs is from 0.01 to $cpus.00, as there are only $cpus CPUs available" \
    '"HostConfig":{"NanoCpus":99000000000}'
  bad_create "the working directory 'rel/dir' is invalid, it needs to be an absolute path" '"WorkingDir":"rel/dir"'
  bad_create "invalid mount path: 'rel' mount path must be absolute" '"HostConfig":{"Tmpfs":{"rel":""}}'
  bad_create "invalid environment variable: =x" '"Env":["A=1","=x"]'
  bad_create "No such container: nonexistent" '"HostConfig":{"PidMode":"container:nonexistent"}'
  bad_create "No such container: nonexistent" '"HostConfig":{"IpcMode":"container:nonexistent"}'
  bad_create "Invalid isolation: \"hyperv\" - linux only supports 'default'" '"HostConfig":{"Isolation":"hyperv"}'
  bad_create "Invalid signal: SIGFOO" '"StopSignal":"SIGFOO"'
  no_containers
  # The edges are accepted: 6 MB, swappiness 0-100, period 1 ms, isolation "default".
  req POST /containers/create '{"Image":"busybox","Cmd":["true"],"StopSignal":"SIGRTMAX-1","WorkingDir":"/tmp","HostConfig":{"Memory":6291456,"MemorySwappiness":100,"CpuPeriod":1000,"Isolation":"default","OomScoreAdj":-1000}}'
  [ "$code" = 201 ]
}

@test "update: a zero is 'unchanged' (docker update --restart keeps the limits); bad values are 400" {
  dk run -d --name limited -m 100m --cpus 1 --cpu-shares 512 busybox sleep 1000
  local id; id=$(dk inspect -f '{{.Id}}' limited)
  # The docker CLI sends Memory: 0, NanoCpus: 0, CpuShares: 0, ... with the restart policy.
  run dk update --restart on-failure:2 limited
  [ "$status" -eq 0 ]
  [ "$(dk inspect -f '{{.HostConfig.Memory}} {{.HostConfig.NanoCpus}} {{.HostConfig.CpuShares}} {{.HostConfig.RestartPolicy.Name}}:{{.HostConfig.RestartPolicy.MaximumRetryCount}}' limited)" = \
    "104857600 1000000000 512 on-failure:2" ]
  # ... and the running container's cgroup still has them.
  local cg; cg=$(find /sys/fs/cgroup/memory -maxdepth 3 -type d -name "$id" | head -n 1)
  if [ -n "$cg" ]; then [ "$(cat "$cg/memory.limit_in_bytes")" = 104857600 ]; fi
  run dk update --cpus 99 limited
  [ "$status" -ne 0 ]
  [[ "$output" == *"Range of CPUs is from 0.01 to $(nproc).00, as there are only $(nproc) CPUs available"* ]]
  expect 400 "Minimum memory limit allowed is 6MB" POST /containers/limited/update '{"Memory":-5}'
  expect 400 "CPU cfs period can not be less than 1ms" POST /containers/limited/update '{"CpuPeriod":5}'
  expect 400 "Requested CPUs are not available - requested 0-999" POST /containers/limited/update '{"CpusetCpus":"0-999"}'
  # Memory above the recorded swap limit (2 x 100m) without a new swap: dockerd's 409.
  expect 409 "Memory limit should be smaller than already set memoryswap limit, update the memoryswap at the same time" \
    POST /containers/limited/update '{"Memory":900000000}'
  [ "$(dk inspect -f '{{.HostConfig.Memory}} {{.HostConfig.NanoCpus}}' limited)" = "104857600 1000000000" ]
  run dk update -m 300m --memory-swap 600m limited
  [ "$status" -eq 0 ]
  [ "$(dk inspect -f '{{.HostConfig.Memory}} {{.HostConfig.MemorySwap}} {{.HostConfig.NanoCpus}}' limited)" = "314572800 629145600 1000000000" ]
  dk rm -f limited
}

@test "kill takes every signal name dockerd knows: RTMIN+n, RTMAX-n, POLL, CLD; others are 400" {
  dk run -d --name target busybox sleep 1000
  local s
  # sleep as pid 1 has no handlers, so none of these ends it.
  for s in SIGRTMAX SIGRTMAX-1 RTMAX-14 SIGRTMIN RTMIN+3 RTMIN+15 SIGPOLL CLD rtmax; do
    run dk kill -s "$s" target
    [ "$status" -eq 0 ] || { echo "kill -s $s: $output" >&2; return 1; }
  done
  [ "$(dk inspect -f '{{.State.Running}}' target)" = true ]
  for s in RTMIN+16 RTMAX-15 RTMIN+03 SIGFOO; do
    expect 400 "Invalid signal: $s" POST "/containers/target/kill?signal=${s//+/%2B}"
  done
  dk rm -f target
}

@test "tag: a repository named sha256 is refused as dockerd does" {
  local hex; hex=$(printf 'a%.0s' $(seq 64))
  run dk tag busybox "sha256:$hex"
  [ "$status" -ne 0 ]
  [[ "$output" == *"refusing to create an ambiguous tag using digest algorithm as name"* ]]
  [ "$(api /images/json | jq '[.[].RepoTags[]? | select(startswith("sha256"))] | length')" -eq 0 ]
  # A tag that merely reads "sha256" is fine.
  dk tag busybox foo:sha256
  dk rmi foo:sha256
}

@test "a request head past 1 MiB is Go's 431, a bad Content-Length Go's 400; berthd serves on" {
  run python3 - "$SOCK" <<'EOF'
import socket, sys
def send(data):
    s = socket.socket(socket.AF_UNIX)
    s.settimeout(10)
    s.connect(sys.argv[1])
    try:
        s.sendall(data)
    except OSError:
        pass  # the server stops reading past its limit and closes, as Go's does
    out = b""
    while True:
        try:
            b = s.recv(4096)
        except OSError:
            break
        if not b:
            break
        out += b
    s.close()
    return out.decode(errors="replace")
print(repr(send(b"GET /_ping HTTP/1.1\r\nHost: d\r\nX-Big: " + b"a" * (2 << 20) + b"\r\n\r\n")))
print(repr(send(b"POST /containers/create HTTP/1.1\r\nHost: d\r\nContent-Length: abc\r\n\r\n")))
print(repr(send(b"POST /containers/create HTTP/1.1\r\nHost: d\r\nContent-Length: -1\r\n\r\n")))
EOF
  echo "$output"
  [ "$status" -eq 0 ]
  [[ "${lines[0]}" == "'HTTP/1.1 431 Request Header Fields Too Large\r\n"*"\r\n\r\n431 Request Header Fields Too Large'" ]]
  [[ "${lines[1]}" == "'HTTP/1.1 400 Bad Request\r\n"*"Connection: close\r\n\r\n400 Bad Request'" ]]
  [[ "${lines[2]}" == "'HTTP/1.1 400 Bad Request\r\n"*"\r\n\r\n400 Bad Request'" ]]
  [ "$(api /_ping)" = OK ]
}
