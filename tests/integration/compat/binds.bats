#!/usr/bin/env bats
# Bind and tmpfs mounts: docker run -v HOST:CTR[:ro] and --mount type=bind|tmpfs, against berthd.
# Every host path bound lives under $D, so the helpers' teardown sees a mount left behind.
load helpers

setup_file() { compat_setup_file; }
teardown_file() { compat_teardown_file; }

# no_mounts_of PATH: nothing is mounted on the host at or under PATH.
no_mounts_of() {
  run awk -v d="$1" 'index($5, d) == 1 {print $5}' /proc/self/mountinfo
  [ -z "$output" ] || { echo "left mounted: $output"; return 1; }
}

@test "-v host dir: the container writes, the host sees the file" {
  mkdir -p "$D/rw"
  echo from-host > "$D/rw/in"
  run dk run --rm -v "$D/rw:/data" busybox sh -c 'cat /data/in; echo from-ctr > /data/out'
  [ "$status" -eq 0 ] || daemon_log
  [ "$output" = "from-host" ]
  [ "$(cat "$D/rw/out")" = "from-ctr" ]
  no_mounts_of "$D/rw"
}

@test "-v host dir:ro: a write fails with Read-only file system" {
  mkdir -p "$D/ro"
  echo keep > "$D/ro/f"
  run dk run --rm -v "$D/ro:/data:ro" busybox sh -c 'cat /data/f; echo x > /data/f'
  [ "$status" -ne 0 ]
  [[ "$output" == *keep* ]]
  [[ "$output" == *"Read-only file system"* ]]
  [ "$(cat "$D/ro/f")" = "keep" ]
  no_mounts_of "$D/ro"
}

@test "-v of a single file" {
  echo one-file > "$D/single"
  run dk run --rm -v "$D/single:/etc/single.conf" busybox sh -c 'cat /etc/single.conf; [ -f /etc/single.conf ] && echo is-file; echo more >> /etc/single.conf'
  [ "$status" -eq 0 ] || daemon_log
  [ "${lines[0]}" = "one-file" ]
  [ "${lines[1]}" = "is-file" ]
  [ "$(tail -n1 "$D/single")" = "more" ]
  no_mounts_of "$D/single"
}

@test "-v over /etc/hosts replaces the generated one" {
  printf '10.9.8.7 mine\n' > "$D/myhosts"
  run dk run --rm -v "$D/myhosts:/etc/hosts:ro" busybox cat /etc/hosts
  [ "$status" -eq 0 ] || daemon_log
  [ "$output" = "10.9.8.7 mine" ]
}

@test "-v with a missing host dir creates it" {
  [ ! -e "$D/made/by/run" ]
  run dk run --rm -v "$D/made/by/run:/m" busybox sh -c 'touch /m/x'
  [ "$status" -eq 0 ] || daemon_log
  [ -d "$D/made/by/run" ]
  [ -f "$D/made/by/run/x" ]
  no_mounts_of "$D/made"
}

@test "-v bad specs are Docker's errors and create nothing" {
  before=$(dk ps -aq | wc -l)
  run dk run --rm -v "$D/bad1:/data:xyz" busybox true
  [ "$status" -eq 125 ]
  [[ "$output" == *"invalid mode: xyz"* ]]
  run dk run --rm -v "$D/bad2:/" busybox true
  [ "$status" -eq 125 ]
  [[ "$output" == *"invalid volume specification: '$D/bad2:/': invalid mount config for type \"bind\": invalid specification: destination can't be '/'"* ]]
  run dk run --rm -v "$D/bad3:rel" busybox true
  [ "$status" -eq 125 ]
  [[ "$output" == *"invalid mount path: 'rel' mount path must be absolute"* ]]
  [ ! -e "$D/bad1" ] && [ ! -e "$D/bad2" ] && [ ! -e "$D/bad3" ]
  [ "$(dk ps -aq | wc -l)" -eq "$before" ]
}

@test "--mount type=bind with a missing source fails as Docker and creates nothing" {
  before=$(dk ps -aq | wc -l)
  run dk run --rm --mount "type=bind,source=$D/nosuch,target=/x" busybox true
  [ "$status" -eq 125 ]
  [[ "$output" == *"invalid mount config for type \"bind\": bind source path does not exist: $D/nosuch"* ]]
  [ ! -e "$D/nosuch" ]
  [ "$(dk ps -aq | wc -l)" -eq "$before" ]
}

@test "--mount type=bind,readonly binds an existing dir read-only" {
  mkdir -p "$D/mnt"
  echo via-mount > "$D/mnt/f"
  run dk run --rm --mount "type=bind,source=$D/mnt,target=/x,readonly" busybox sh -c 'cat /x/f; touch /x/g'
  [ "$status" -ne 0 ]
  [[ "$output" == *via-mount* ]]
  [[ "$output" == *"Read-only file system"* ]]
  [ ! -e "$D/mnt/g" ]
  no_mounts_of "$D/mnt"
}

@test "--mount type=tmpfs with a size and mode" {
  run dk run --rm --mount type=tmpfs,target=/t,tmpfs-size=2m,tmpfs-mode=1770 busybox sh -c 'grep " /t " /proc/mounts; stat -c %a /t; echo x > /t/f && cat /t/f'
  [ "$status" -eq 0 ] || daemon_log
  echo "$output"
  [[ "${lines[0]}" == "tmpfs /t tmpfs "* ]]
  [[ "${lines[0]}" == *"size=2048k"* ]]
  [[ "${lines[0]}" == *"noexec"* ]]
  [ "${lines[1]}" = "1770" ]
  [ "${lines[2]}" = "x" ]
}

@test "inspect shows .Mounts and HostConfig.Binds as given" {
  mkdir -p "$D/insp"
  id=$(dk create -v "$D/insp:/data:ro" --mount type=tmpfs,target=/t busybox true)
  remember "$id"
  run dk inspect -f '{{json .Mounts}}' "$id"
  [ "$status" -eq 0 ]
  echo "$output"
  [ "$(echo "$output" | jq -c '.[0]')" = "{\"Type\":\"bind\",\"Source\":\"$D/insp\",\"Destination\":\"/data\",\"Mode\":\"ro\",\"RW\":false,\"Propagation\":\"rprivate\"}" ]
  [ "$(echo "$output" | jq -c '.[1]')" = '{"Type":"tmpfs","Source":"","Destination":"/t","Mode":"","RW":true,"Propagation":""}' ]
  [ "$(dk inspect -f '{{json .HostConfig.Binds}}' "$id")" = "[\"$D/insp:/data:ro\"]" ]
  [ "$(dk inspect -f '{{range .Mounts}}{{.Destination}} {{end}}' "$id")" = "/data /t " ]
  dk rm "$id"
}

@test "a running container with binds leaves no mount behind after rm -f" {
  mkdir -p "$D/live"
  id=$(dk run -d -v "$D/live:/live" busybox sleep 60)
  remember "$id"
  [ "$(dk exec "$id" sh -c 'echo hi > /live/h; cat /live/h')" = hi ]
  dk rm -f "$id"
  [ "$(cat "$D/live/h")" = hi ]
  no_mounts_of "$D/live"
}
