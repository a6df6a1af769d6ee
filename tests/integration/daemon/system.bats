#!/usr/bin/env bats
# System endpoints through curl and the real docker CLI: _ping, version, info.
load helpers

setup() { start_berthd; }
teardown() { teardown_berthd; }

@test "_ping answers OK with the API version headers (GET and HEAD)" {
  run api /_ping -i
  [ "$status" -eq 0 ]
  [[ "$output" == *"HTTP/1.1 200 OK"* ]]
  [[ "$output" == *"Api-Version: 1.47"* ]]
  [[ "$output" == *"Docker-Experimental: false"* ]]
  [[ "$output" == *"Ostype: linux"* ]]
  [[ "$output" == *"Cache-Control: no-cache"* ]]
  [[ "$output" == *$'\r\n\r\nOK' ]]
  run api /v1.24/_ping -I
  [[ "$output" == *"HTTP/1.1 200 OK"* ]]
  [[ "$output" == *"Api-Version: 1.47"* ]]
}

@test "GET /version has Docker's shape" {
  run api /v1.47/version
  [ "$status" -eq 0 ]
  [ "$(jq -r .ApiVersion <<<"$output")" = 1.47 ]
  [ "$(jq -r .MinAPIVersion <<<"$output")" = 1.24 ]
  [ "$(jq -r .Os <<<"$output")" = linux ]
  [ "$(jq -r '.Components[0].Name' <<<"$output")" = Engine ]
  [ "$(jq -r .KernelVersion <<<"$output")" = "$(uname -r)" ]
}

@test "docker version negotiates API 1.47" {
  run dk version --format '{{.Server.APIVersion}}'
  [ "$status" -eq 0 ]
  [ "$output" = 1.47 ]
  run dk version
  [ "$status" -eq 0 ]
  [[ "$output" == *"Server: berth"* ]]
}

@test "docker info reports the host" {
  run dk info --format '{{.OSType}}'
  [ "$status" -eq 0 ]
  [ "$output" = linux ]
  run dk info --format '{{.DockerRootDir}} {{.Driver}} {{.NCPU}} {{.Containers}}'
  [ "$output" = "$DATA overlay2 $(nproc) 0" ]
  run dk system info
  [ "$status" -eq 0 ]
  [[ "$output" == *"Cgroup Driver: cgroupfs"* ]]
  [[ "$output" == *"Default Runtime: berth"* ]]
}

@test "GET /info: cgroup version, logging driver, runtimes, engine id persists" {
  run api /info
  [ "$(jq -r .LoggingDriver <<<"$output")" = json-file ]
  want=1; [ "$(stat -f -c %T /sys/fs/cgroup)" = cgroup2fs ] && want=2
  [ "$(jq -r .CgroupVersion <<<"$output")" = "$want" ]
  [ "$(jq -r '.SecurityOptions[0]' <<<"$output")" = "name=seccomp,profile=builtin" ]
  # A private cgroup namespace is the default only on cgroup v2: only there is it listed.
  if [ "$want" = 2 ]; then cgns=true; else cgns=false; fi
  [ "$(jq '.SecurityOptions | index("name=cgroupns") != null' <<<"$output")" = "$cgns" ]
  id=$(jq -r .ID <<<"$output")
  [ "$id" = "$(cat "$DATA/engine-id")" ]
  stop_berthd
  start_berthd
  [ "$(api /info | jq -r .ID)" = "$id" ]
}
