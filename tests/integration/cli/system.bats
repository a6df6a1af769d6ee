#!/usr/bin/env bats
# berth version / info / errors against a berthd started by the test.
load cli_helpers
bats_require_minimum_version 1.5.0

teardown() { teardown_berthd; }

@test "no daemon: docker-like message naming the address and how to start berthd, exit 1" {
  require_berth
  run "$BERTH" -H unix:///nonexistent/berthd.sock ps
  [ "$status" -eq 1 ]
  [ "$output" = "Cannot connect to the berth daemon at unix:///nonexistent/berthd.sock. Is berthd running? Start it with: berthd" ]
  BERTH_HOST=unix:///nonexistent/other.sock run "$BERTH" info
  [ "$status" -eq 1 ]
  [[ "$output" == *"Cannot connect to the berth daemon at unix:///nonexistent/other.sock."* ]]
}

@test "no daemon: version prints the client part, then the error, exit 1" {
  require_berth
  run "$BERTH" -H unix:///nonexistent/berthd.sock version
  [ "$status" -eq 1 ]
  [[ "$output" == "Client:"* ]]
  [[ "$output" == *" API version:       1.47"* ]]
  [[ "$output" == *"Cannot connect to the berth daemon"* ]]
  [[ "$output" != *"Server:"* ]]
}

@test "no daemon: run fails with 125 and docker's run error layout" {
  require_berth
  run "$BERTH" -H unix:///nonexistent/berthd.sock run busybox true
  [ "$status" -eq 125 ]
  [[ "$output" == "berth: Cannot connect to the berth daemon at unix:///nonexistent/berthd.sock."* ]]
  [[ "$output" == *"Run 'berth run --help' for more information" ]]
}

@test "usage errors: unknown flag 125, missing arguments 1, unknown command 1" {
  require_berth
  run "$BERTH" ps --bogus
  [ "$status" -eq 125 ]
  [[ "${lines[0]}" = "unknown flag: --bogus" ]]
  [[ "$output" == *"Usage:  berth ps [OPTIONS]"* ]]
  run "$BERTH" run -Z busybox
  [ "$status" -eq 125 ]
  [ "${lines[0]}" = "unknown shorthand flag: 'Z' in -Z" ]
  run "$BERTH" stop
  [ "$status" -eq 1 ]
  [ "${lines[0]}" = "berth: 'berth stop' requires at least 1 argument" ]
  run "$BERTH" frobnicate
  [ "$status" -eq 1 ]
  [[ "$output" == "berth: unknown command: berth frobnicate"* ]]
  run "$BERTH" ps -n abc
  [ "$status" -eq 125 ]
}

@test "--help and -v need no daemon" {
  require_berth
  run "$BERTH" run --help
  [ "$status" -eq 0 ]
  [[ "${lines[0]}" = "Usage:  berth run [OPTIONS] IMAGE [COMMAND] [ARG...]" ]]
  [[ "$output" == *"--health-interval duration"* ]]
  run "$BERTH" -v
  [ "$status" -eq 0 ]
  [[ "$output" == "berth version "* ]]
}

@test "version shows client and server with the negotiated API version" {
  require_berthd
  run b version
  [ "$status" -eq 0 ]
  [[ "$output" == *"Client:"* ]]
  [[ "$output" == *"Server: berth"* ]]
  [[ "$output" == *" Engine:"* ]]
  [[ "$output" == *"  API version:      1.47 (minimum version 1.24)"* ]]
  run b version --format '{{.Server.APIVersion}} {{.Client.APIVersion}} {{.Server.Os}}'
  [ "$status" -eq 0 ]
  [ "$output" = "1.47 1.47 linux" ]
  run b version --format json
  [ "$status" -eq 0 ]
  [ "$(jq -r .Server.ApiVersion <<<"$output")" = 1.47 ]
  [ "$(jq -r .Client.Context <<<"$output")" = default ]
}

@test "BERTH_HOST selects the daemon; -H wins over it" {
  require_berthd
  BERTH_HOST="unix://$SOCK" run "$BERTH" version --format '{{.Server.Version}}'
  [ "$status" -eq 0 ]
  [ -n "$output" ]
  BERTH_HOST=unix:///nonexistent.sock run "$BERTH" -H "unix://$SOCK" version --format '{{.Server.Os}}'
  [ "$status" -eq 0 ]
  [ "$output" = linux ]
}

@test "info shows the server in docker's layout and answers --format" {
  require_berthd
  run b info
  [ "$status" -eq 0 ]
  [[ "$output" == *"Server:"* ]]
  [[ "$output" == *" Containers: 0"* ]]
  [[ "$output" == *"  Running: 0"* ]]
  [[ "$output" == *" Storage Driver: overlay2"* ]]
  [[ "$output" == *" Docker Root Dir: $DATA"* ]]
  run b info --format '{{.OSType}} {{.NCPU}} {{.DockerRootDir}}'
  [ "$status" -eq 0 ]
  [ "$output" = "linux $(nproc) $DATA" ]
  run b system info --format '{{json .Driver}}'
  [ "$output" = '"overlay2"' ]
}

@test "info matches the real docker CLI's rendering of the same daemon" {
  require_berthd
  [ -x "$DOCKER" ] || skip "no docker CLI at $DOCKER"
  diff <(b info | grep -v '^ Version:') <(dk info 2>/dev/null | grep -v '^ Version:')
}

@test "version's server part matches the real docker CLI's" {
  require_berthd
  [ -x "$DOCKER" ] || skip "no docker CLI at $DOCKER"
  diff <(b version | sed -n '/^Server:/,$p') <(dk version 2>/dev/null | sed -n '/^Server:/,$p')
}

@test "a daemon error is printed as docker prints it" {
  require_berthd
  run b inspect --type container no-such-container-xyz
  [ "$status" -eq 1 ]
  # docker 27: with --type, the daemon's 404 message
  [[ "$output" == *"Error response from daemon: No such container: no-such-container-xyz"* ]]
  [ "$output" = "$(dk inspect --type container no-such-container-xyz 2>&1)" ]
}

@test "berth version takes a few milliseconds" {
  require_berthd
  # 10 runs take well under a second of CPU (about 2 ms each on the dev VM): CPU time, which a
  # loaded machine does not inflate as it does wall time. The wall time only has to show that
  # no run stalls (a timeout, a retry): at most 10 s for the 10.
  local TIMEFORMAT='%R %U %S' real user sys
  read -r real user sys < <( { time (for _ in 1 2 3 4 5 6 7 8 9 10; do b version >/dev/null 2>&1; done) ; } 2>&1 )
  echo "10 runs: ${real}s wall, ${user}s user, ${sys}s system"
  awk -v u="$user" -v s="$sys" 'BEGIN { exit !(u + s < 1.0) }'
  awk -v r="$real" 'BEGIN { exit !(r < 10.0) }'
}

@test "events: the run of a --rm container as docker renders the same stream; filters and formats" {
  require_berthd
  local t0; t0=$(date +%s)
  b run --rm --name evt -l team=a busybox true
  local t1=$(( $(date +%s) + 1 ))
  run b events --since "$t0" --until "$t1"
  [ "$status" -eq 0 ]
  [[ "${lines[0]}" =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}\.[0-9]{9}(Z|[+-][0-9]{2}:[0-9]{2})\ container\ create\ [0-9a-f]{64}\ \(.*image=busybox.*name=evt.*team=a ]]
  [ "$(b events --since "$t0" --until "$t1" --format '{{.Action}}' | grep -E '^(create|start|die|destroy)$' | tr '\n' ' ')" = "create start die destroy " ]
  diff <(b events --since "$t0" --until "$t1") <(dk events --since "$t0" --until "$t1")
  diff <(b events --since "$t0" --until "$t1" --format '{{json .}}') <(dk events --since "$t0" --until "$t1" --format '{{json .}}')
  [ "$(b events --since "$t0" --until "$t1" --filter event=die --format '{{.Type}} {{.Action}} {{.Actor.Attributes.name}} {{.Actor.Attributes.exitCode}}')" = "container die evt 0" ]
  [ "$(b events --since "$t0" --until "$t1" --filter container=evt --filter event=start --format json | jq -r .status)" = start ]
  [ -z "$(b events --since "$t0" --until "$t1" --filter container=nobody-else)" ]
}

@test "events without --until follows the stream live" {
  require_berthd
  # The container starts only once the stream is connected: berthd holds one more open file.
  local n0; n0=$(ls "/proc/$BERTHD_PID/fd" | wc -l)
  "$BERTH" -H "unix://$SOCK" events --filter event=start --format '{{.Actor.Attributes.name}}' > "$D/live" 3>&- &
  local pid=$!
  wait_for 30 bash -c "[ \$(ls /proc/$BERTHD_PID/fd | wc -l) -gt $n0 ]"
  b run --rm --name live-one busybox true
  wait_for 30 grep -qx live-one "$D/live"
  kill "$pid"; wait "$pid" 2>/dev/null || true
}

@test "system df: docker's table, identical to docker's rendering" {
  require_berthd
  b run --name dfuser busybox sh -c 'echo data > /file'
  run b system df
  [ "$status" -eq 0 ]
  [[ "${lines[0]}" =~ ^TYPE\ +TOTAL\ +ACTIVE\ +SIZE\ +RECLAIMABLE$ ]]
  [[ "${lines[1]}" =~ ^Images\ +1\ +1\  ]]
  [[ "${lines[2]}" =~ ^Containers\ +1\ +0\  ]]
  [ "$output" = "$(dk system df)" ]
  [ "$(b system df --format '{{.Type}}:{{.TotalCount}}')" = "$(dk system df --format '{{.Type}}:{{.TotalCount}}')" ]
  # the API body: the image counts its container, the container its writable layer
  [ "$(api /system/df | jq -c '[.Images[0].Containers, (.Containers[0].SizeRw > 0), (.LayersSize > 0)]')" = '[1,true,true]' ]
}

@test "system prune: asks first; -f removes stopped containers and dangling images" {
  require_berthd
  b run --name gone busybox true
  b run -d --name stays busybox sleep 60 >/dev/null
  local gone; gone=$(b inspect -f '{{.Id}}' gone)
  run bash -c "echo n | '$BERTH' -H 'unix://$SOCK' system prune"
  [[ "$output" == "WARNING! This will remove:"* ]]
  [[ "$output" == *"  - all stopped containers"* ]]
  b inspect gone >/dev/null
  run b system prune -f
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = "Deleted Containers:" ]
  [ "${lines[1]}" = "$gone" ]
  [[ "${lines[-1]}" =~ ^Total\ reclaimed\ space:\ [0-9.]+[kMG]?B$ ]]
  run -1 b inspect gone
  [ "$(b inspect -f '{{.State.Status}}' stays)" = running ]
  b image inspect busybox >/dev/null
  b rm -f stays >/dev/null
}

@test "system info is info; version and info answer the same template as docker" {
  require_berthd
  [ "$(b system info --format '{{.ID}} {{.Containers}}')" = "$(b info --format '{{.ID}} {{.Containers}}')" ]
  [ "$(b info --format '{{.Plugins.Volume}} {{.Driver}}')" = "$(dk info --format '{{.Plugins.Volume}} {{.Driver}}')" ]
  [ "$(b version --format '{{.Server.Version}} {{.Server.APIVersion}}')" = "$(dk version --format '{{.Server.Version}} {{.Server.APIVersion}}')" ]
}
